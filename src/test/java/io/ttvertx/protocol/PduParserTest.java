package io.ttvertx.protocol;

import com.google.protobuf.ByteString;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.IMOther;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Framing without sockets: round trips, split and coalesced frames, the length limits, bad bytes. */
class PduParserTest {
  private static final int MAX = 1024;

  private final List<Pdu> pdus = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final PduParser parser = new PduParser(MAX).pduHandler(pdus::add).errorHandler(errors::add);

  private static IMMessage.IMMsgData message(String text) {
    return IMMessage.IMMsgData.newBuilder().setFromUserId(1).setToSessionId(2).setMsgId(3).setCreateTime(4)
        .setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT).setMsgData(ByteString.copyFromUtf8(text)).build();
  }

  @Test
  void encodedFrameHasTeamTalksHeaderAndDecodesBack() throws Exception {
    IMMessage.IMMsgData body = message("hello");
    Buffer frame = Pdu.encode(3, 0x0301, 0xABCD, body);
    assertThat(frame.getInt(0)).isEqualTo(16 + body.getSerializedSize());
    assertThat(frame.getUnsignedShort(4)).isEqualTo(1);
    assertThat(frame.getUnsignedShort(6)).isZero();
    assertThat(frame.getUnsignedShort(8)).isEqualTo(3);
    assertThat(frame.getUnsignedShort(10)).isEqualTo(0x0301);
    assertThat(frame.getUnsignedShort(12)).isEqualTo(0xABCD);
    assertThat(frame.getUnsignedShort(14)).isZero();

    parser.handle(frame);
    assertThat(pdus).singleElement().satisfies(pdu -> {
      assertThat(pdu.serviceId()).isEqualTo(3);
      assertThat(pdu.commandId()).isEqualTo(0x0301);
      assertThat(pdu.seq()).isEqualTo(0xABCD);
      assertThat(pdu.encode()).isEqualTo(frame);
    });
    assertThat(pdus.get(0).parse(IMMessage.IMMsgData.parser())).isEqualTo(body);
  }

  @Test
  void framesSplitByteByByteAndCoalescedAreAllDelivered() {
    Buffer stream = Buffer.buffer();
    for (int i = 0; i < 5; i++) {
      stream.appendBuffer(Pdu.encode(3, 0x0301, i + 1, message("m" + i)));
    }
    stream.appendBuffer(Pdu.encode(7, 0x0701, 9, IMOther.IMHeartBeat.getDefaultInstance()));
    for (int i = 0; i < stream.length(); i++) {
      parser.handle(stream.getBuffer(i, i + 1));
    }
    parser.handle(stream);
    assertThat(pdus).extracting(Pdu::seq).containsExactly(1, 2, 3, 4, 5, 9, 1, 2, 3, 4, 5, 9);
    assertThat(errors).isEmpty();
  }

  @Test
  void androidsVersionAndReservedFieldsAreAccepted() {
    Buffer frame = Buffer.buffer().appendInt(16).appendUnsignedShort(6).appendUnsignedShort(0)
        .appendUnsignedShort(7).appendUnsignedShort(0x0701).appendUnsignedShort(12).appendUnsignedShort(0x1234);
    parser.handle(frame);
    assertThat(pdus).singleElement().satisfies(pdu -> {
      assertThat(pdu.version()).isEqualTo(6);
      assertThat(pdu.reserved()).isEqualTo(0x1234);
    });
  }

  @Test
  void lengthBelowTheHeaderIsAnErrorAndStopsParsing() {
    parser.handle(Buffer.buffer().appendInt(15).appendBytes(new byte[12]));
    parser.handle(Pdu.encode(7, 0x0701, 1, message("after")));
    assertThat(errors).singleElement().asString().contains("15");
    assertThat(pdus).isEmpty();
  }

  @Test
  void maximumLengthIsAcceptedAndOneMoreIsNot() {
    Buffer exact = Buffer.buffer().appendInt(MAX).appendBytes(new byte[12]).appendBytes(new byte[MAX - 16]);
    parser.handle(exact);
    assertThat(pdus).hasSize(1);
    assertThat(errors).isEmpty();

    Buffer over = Buffer.buffer().appendInt(MAX + 1).appendBytes(new byte[12]);
    parser.handle(over);
    assertThat(errors).singleElement().asString().contains(Integer.toString(MAX + 1));
  }

  @Test
  void hugeLengthFromGarbageIsRejectedBeforeReadingABody() {
    parser.handle(Buffer.buffer("GET /msg_server HTTP/1.1\r\n"));
    assertThat(errors).hasSize(1);
    assertThat(pdus).isEmpty();
  }
}
