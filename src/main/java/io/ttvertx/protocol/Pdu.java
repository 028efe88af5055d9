package io.ttvertx.protocol;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One TeamTalk frame: a 16-byte big-endian header (total length including the header, version, flag,
 * service id, command id, seq, reserved) followed by a protobuf body.
 */
public record Pdu(int version, int flag, int serviceId, int commandId, int seq, int reserved, Buffer body) {

  public static final int HEADER_LENGTH = 16;
  /** The version TeamTalk's servers write. Clients send other values (Android sends 6); any is accepted. */
  public static final int VERSION = 1;

  /** The body parsed as {@code T}; fails with {@link InvalidProtocolBufferException} on bad bytes. */
  public <T> T parse(Parser<T> parser) throws InvalidProtocolBufferException {
    return parser.parseFrom(body.getBytes());
  }

  /** The PDU that {@code frame} holds whole (its header's length already checked against the frame's). */
  public static Pdu decode(Buffer frame) {
    return new Pdu(frame.getUnsignedShort(4), frame.getUnsignedShort(6), frame.getUnsignedShort(8),
        frame.getUnsignedShort(10), frame.getUnsignedShort(12), frame.getUnsignedShort(14),
        frame.slice(HEADER_LENGTH, frame.length()));
  }

  /** This frame encoded again, header and body. */
  public Buffer encode() {
    Buffer out = Buffer.buffer(HEADER_LENGTH + body.length());
    writeHeader(out, HEADER_LENGTH + body.length(), version, flag, serviceId, commandId, seq, reserved);
    return out.appendBuffer(body);
  }

  /** Encodes a frame with the given ids, seq and protobuf body in one exactly-sized buffer. */
  public static Buffer encode(int serviceId, int commandId, int seq, MessageLite body) {
    int bodySize = body.getSerializedSize();
    byte[] frame = new byte[HEADER_LENGTH + bodySize];
    int length = frame.length;
    frame[0] = (byte) (length >>> 24);
    frame[1] = (byte) (length >>> 16);
    frame[2] = (byte) (length >>> 8);
    frame[3] = (byte) length;
    frame[5] = VERSION;
    frame[8] = (byte) (serviceId >>> 8);
    frame[9] = (byte) serviceId;
    frame[10] = (byte) (commandId >>> 8);
    frame[11] = (byte) commandId;
    frame[12] = (byte) (seq >>> 8);
    frame[13] = (byte) seq;
    CodedOutputStream stream = CodedOutputStream.newInstance(frame, HEADER_LENGTH, bodySize);
    try {
      body.writeTo(stream);
      stream.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("protobuf body did not fit its own serialized size", e);
    }
    return Buffer.buffer(frame);
  }

  /** The frame's service and command as "0x0301"-style text, for logs. */
  public String describe() {
    return String.format("service 0x%04x command 0x%04x seq %d", serviceId, commandId, seq);
  }

  static void writeHeader(Buffer out, int length, int version, int flag, int serviceId, int commandId, int seq,
                          int reserved) {
    out.appendInt(length)
        .appendUnsignedShort(version)
        .appendUnsignedShort(flag)
        .appendUnsignedShort(serviceId)
        .appendUnsignedShort(commandId)
        .appendUnsignedShort(seq)
        .appendUnsignedShort(reserved);
  }
}
