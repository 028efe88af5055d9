package io.ttvertx.msg;

import io.ttvertx.proto.IMOther;

/** The empty protobuf body of heartbeats and other body-less frames. */
final class EmptyBody {
  static final IMOther.IMHeartBeat INSTANCE = IMOther.IMHeartBeat.getDefaultInstance();

  private EmptyBody() {
  }
}
