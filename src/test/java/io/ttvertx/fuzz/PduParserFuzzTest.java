package io.ttvertx.fuzz;

import io.ttvertx.protocol.Pdu;
import io.ttvertx.protocol.PduParser;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random streams through the frame parser: valid frames cut at random places and paused at
 * random come out whole and in order; garbage after them ends in exactly one error and nothing after
 * it; no input makes it throw or hand out a frame outside the length limits.
 */
class PduParserFuzzTest {
  private static final long SEED = Long.getLong("tt.fuzz.seed", 20261130L);
  private static final int MAX = 4096;
  private static final int ROUNDS = 400;

  private record Run(List<Pdu> pdus, List<String> errors, PduParser parser) {
    static Run start() {
      List<Pdu> pdus = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      return new Run(pdus, errors, new PduParser(MAX).pduHandler(pdus::add).errorHandler(errors::add));
    }
  }

  private static Buffer randomFrame(Random random, List<Buffer> into) {
    byte[] body = new byte[random.nextInt(MAX - Pdu.HEADER_LENGTH + 1)];
    random.nextBytes(body);
    Buffer frame = new Pdu(random.nextInt(0x10000), random.nextInt(0x10000), random.nextInt(0x10000),
        random.nextInt(0x10000), random.nextInt(0x10000), random.nextInt(0x10000), Buffer.buffer(body)).encode();
    into.add(frame);
    return frame;
  }

  /** Feeds {@code stream} in random pieces, pausing and resuming the parser at random. */
  private static void feed(Random random, PduParser parser, Buffer stream) {
    int at = 0;
    boolean paused = false;
    while (at < stream.length()) {
      int end = Math.min(stream.length(), at + 1 + random.nextInt(random.nextBoolean() ? 8 : 3000));
      parser.handle(stream.getBuffer(at, end));
      at = end;
      if (random.nextInt(4) == 0) {
        paused = !paused;
        if (paused) {
          parser.pause();
        } else {
          parser.resume();
        }
      }
    }
    parser.resume();
  }

  @Test
  void validFramesCutAnywhereAndPausedAnywhereComeOutWholeAndInOrder() {
    Random random = new Random(SEED);
    for (int round = 0; round < ROUNDS; round++) {
      Run run = Run.start();
      List<Buffer> sent = new ArrayList<>();
      Buffer stream = Buffer.buffer();
      for (int i = random.nextInt(20); i >= 0; i--) {
        stream.appendBuffer(randomFrame(random, sent));
      }
      feed(random, run.parser(), stream);
      assertThat(run.errors()).as("seed %d round %d", SEED, round).isEmpty();
      assertThat(run.pdus().stream().map(Pdu::encode).toList()).as("seed %d round %d", SEED, round)
          .isEqualTo(sent);
    }
  }

  @Test
  void garbageAfterValidFramesEndsInOneErrorAndNothingAfterIt() {
    Random random = new Random(SEED + 1);
    for (int round = 0; round < ROUNDS; round++) {
      Run run = Run.start();
      List<Buffer> sent = new ArrayList<>();
      Buffer stream = Buffer.buffer();
      for (int i = random.nextInt(5); i > 0; i--) {
        stream.appendBuffer(randomFrame(random, sent));
      }
      // a header whose length is out of bounds, then anything
      long badLength = random.nextBoolean() ? random.nextInt(Pdu.HEADER_LENGTH)
          : MAX + 1 + (random.nextLong() & 0x7FFFFFFFL) % (0xFFFFFFFFL - MAX);
      stream.appendUnsignedInt(badLength).appendBytes(new byte[12]);
      byte[] tail = new byte[random.nextInt(5000)];
      random.nextBytes(tail);
      stream.appendBytes(tail);
      feed(random, run.parser(), stream);
      assertThat(run.errors()).as("seed %d round %d", SEED, round).hasSize(1);
      assertThat(run.pdus().stream().map(Pdu::encode).toList()).as("seed %d round %d", SEED, round)
          .isEqualTo(sent);
    }
  }

  @Test
  void randomBytesNeverThrowNorYieldAFrameOutsideTheLimits() {
    Random random = new Random(SEED + 2);
    for (int round = 0; round < ROUNDS; round++) {
      Run run = Run.start();
      byte[] bytes = new byte[random.nextInt(20_000)];
      random.nextBytes(bytes);
      if (random.nextBoolean() && bytes.length >= 4) {
        // a plausible length first, so that some frames get through before the garbage shows
        Buffer.buffer().appendUnsignedInt(Pdu.HEADER_LENGTH + random.nextInt(MAX - Pdu.HEADER_LENGTH))
            .getBytes(0, 4, bytes, 0);
      }
      feed(random, run.parser(), Buffer.buffer(bytes));
      assertThat(run.errors()).as("seed %d round %d", SEED, round).hasSizeLessThanOrEqualTo(1);
      assertThat(run.pdus()).allSatisfy(pdu ->
          assertThat(pdu.encode().length()).isBetween(Pdu.HEADER_LENGTH, MAX));
      int parsedBytes = run.pdus().stream().mapToInt(pdu -> pdu.encode().length()).sum();
      assertThat(parsedBytes).isLessThanOrEqualTo(bytes.length);
    }
  }
}
