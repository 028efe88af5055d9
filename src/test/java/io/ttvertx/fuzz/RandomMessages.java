package io.ttvertx.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMFile;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.IMOther;
import io.ttvertx.proto.IMServer;
import io.ttvertx.proto.IMSwitchService;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random bodies for fuzzing: random instances of every TeamTalk message (any of them may be
 * sent under any command, which gives wrong types for free), with fields left out (required ones
 * too), huge repeated fields and long strings, cut short, or plain random bytes.
 */
final class RandomMessages {
  private static final List<FileDescriptor> FILES = List.of(IMBaseDefine.getDescriptor(), IMLogin.getDescriptor(),
      IMBuddy.getDescriptor(), IMMessage.getDescriptor(), IMGroup.getDescriptor(), IMFile.getDescriptor(),
      IMServer.getDescriptor(), IMSwitchService.getDescriptor(), IMOther.getDescriptor());

  private final Random random;
  private final List<Descriptor> types = new ArrayList<>();

  RandomMessages(Random random) {
    this.random = random;
    FILES.forEach(file -> types.addAll(file.getMessageTypes()));
  }

  List<Descriptor> types() {
    return types;
  }

  Descriptor anyType() {
    return types.get(random.nextInt(types.size()));
  }

  /** A random instance of {@code type}; {@code oversized} makes repeated fields and strings huge. */
  byte[] instance(Descriptor type, boolean oversized) {
    return build(type, 0, oversized).toByteArray();
  }

  byte[] truncated(byte[] bytes) {
    return bytes.length == 0 ? bytes : java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
  }

  byte[] randomBytes(int maxLength) {
    byte[] bytes = new byte[random.nextInt(maxLength + 1)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** {@code bytes} with a few bytes overwritten: tags with other wire types, lengths that overrun. */
  byte[] corrupted(byte[] bytes) {
    byte[] copy = bytes.clone();
    for (int i = 0; i < 1 + random.nextInt(3) && copy.length > 0; i++) {
      copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
    }
    return copy;
  }

  private DynamicMessage build(Descriptor type, int depth, boolean oversized) {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
    for (FieldDescriptor field : type.getFields()) {
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= 3) {
        continue;
      }
      if (field.isRepeated()) {
        int count = oversized && random.nextInt(3) == 0 ? 2_000 + random.nextInt(3_000) : random.nextInt(4);
        for (int i = 0; i < count; i++) {
          builder.addRepeatedField(field, value(field, depth, oversized && count < 10));
        }
      } else if (random.nextInt(10) < 8) {
        builder.setField(field, value(field, depth, oversized));
      }
    }
    return builder.buildPartial();
  }

  private Object value(FieldDescriptor field, int depth, boolean oversized) {
    return switch (field.getJavaType()) {
      case INT -> randomInt();
      case LONG -> random.nextLong();
      case FLOAT -> random.nextFloat();
      case DOUBLE -> random.nextDouble();
      case BOOLEAN -> random.nextBoolean();
      case STRING -> randomString(oversized ? 20_000 + random.nextInt(40_000) : random.nextInt(40));
      case BYTE_STRING -> ByteString.copyFrom(randomBytes(oversized ? 60_000 : 64));
      case ENUM -> {
        List<EnumValueDescriptor> values = field.getEnumType().getValues();
        yield values.get(random.nextInt(values.size()));
      }
      case MESSAGE -> build(field.getMessageType(), depth + 1, oversized);
    };
  }

  /** Mostly small ids (users and groups that exist), sometimes anything. */
  private int randomInt() {
    return switch (random.nextInt(4)) {
      case 0 -> random.nextInt();
      case 1 -> 0;
      default -> 1 + random.nextInt(30);
    };
  }

  private String randomString(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(random.nextInt(5) == 0 ? (char) (0x4e00 + random.nextInt(0x5000)) : (char) (32 + random.nextInt(95)));
    }
    return text.toString();
  }
}
