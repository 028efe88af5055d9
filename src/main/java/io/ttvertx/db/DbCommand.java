package io.ttvertx.db;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.vertx.core.Future;

import java.util.Map;

/** One request the db proxy answers: TeamTalk request bytes in, a TeamTalk response message out. */
@FunctionalInterface
interface DbCommand {
  Future<? extends MessageLite> answer(byte[] body) throws InvalidProtocolBufferException;

  /** A group of commands of one domain, each registered under its TeamTalk command id. */
  interface Answers {
    void register(Map<Integer, DbCommand> commands);
  }
}
