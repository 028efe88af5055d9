package io.ttvertx.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.protocol.PduParser;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMMessage;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The PDU codec and framing: encoding a MSG_DATA frame, framing a stream of coalesced frames, and
 * framing plus decoding their bodies. Run with {@code mvn -B test-compile exec:exec}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PduCodecBenchmark {
  static final int FRAMES_PER_STREAM = 100;

  private IMMessage.IMMsgData message;
  private Buffer stream;
  private Buffer[] chunks;
  private long frames;

  @Setup
  public void setUp() {
    message = IMMessage.IMMsgData.newBuilder().setFromUserId(1001).setToSessionId(1002).setMsgId(0).setCreateTime(0)
        .setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT)
        .setMsgData(ByteString.copyFromUtf8("x".repeat(64))).build();
    stream = Buffer.buffer();
    for (int i = 0; i < FRAMES_PER_STREAM; i++) {
      stream.appendBuffer(Pdu.encode(3, 0x0301, i + 1, message));
    }
    // the same stream cut in 1,500-byte pieces, as TCP may deliver it
    int pieces = (stream.length() + 1499) / 1500;
    chunks = new Buffer[pieces];
    for (int i = 0; i < pieces; i++) {
      chunks[i] = stream.getBuffer(i * 1500, Math.min(stream.length(), (i + 1) * 1500));
    }
  }

  /** One MSG_DATA frame (64-byte text) encoded into an exactly sized buffer. */
  @Benchmark
  public Buffer encodeMsgData() {
    return Pdu.encode(3, 0x0301, 7, message);
  }

  /** Framing 100 coalesced frames arriving in MTU-sized pieces; score x100 = frames/s. */
  @Benchmark
  public long frameStream() {
    frames = 0;
    PduParser parser = new PduParser(256 * 1024).pduHandler(pdu -> frames++);
    for (Buffer chunk : chunks) {
      parser.handle(chunk);
    }
    return frames;
  }

  /** Framing 100 frames and decoding each body as IMMsgData; score x100 = messages/s. */
  @Benchmark
  public void frameAndDecode(Blackhole hole) {
    PduParser parser = new PduParser(256 * 1024).pduHandler(pdu -> {
      try {
        hole.consume(pdu.parse(IMMessage.IMMsgData.parser()));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    });
    for (Buffer chunk : chunks) {
      parser.handle(chunk);
    }
  }
}
