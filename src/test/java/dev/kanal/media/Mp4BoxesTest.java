package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The top-level box walk that catches truncated MP4 files, and its behaviour on arbitrary bytes. */
class Mp4BoxesTest {

  @TempDir
  Path dir;

  private static byte[] box(String type, int payload) {
    return ByteBuffer.allocate(8 + payload).putInt(8 + payload).put(type.getBytes(StandardCharsets.US_ASCII)).array();
  }

  private Path write(byte[]... parts) throws Exception {
    var out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p);
    }
    return Files.write(Files.createTempFile(dir, "box", ".mp4"), out.toByteArray());
  }

  private static void check(Path file) throws Exception {
    Mp4Boxes.checkComplete(file, Files.size(file));
  }

  @Test
  void completeFiles_pass() throws Exception {
    assertThatCode(() -> check(write(box("ftyp", 16), box("moov", 100), box("mdat", 1000)))).doesNotThrowAnyException();
    byte[] large = ByteBuffer.allocate(16 + 10).putInt(1).put("mdat".getBytes(StandardCharsets.US_ASCII)).putLong(26).array();
    assertThatCode(() -> check(write(box("ftyp", 16), large))).doesNotThrowAnyException();
    byte[] toEnd = ByteBuffer.allocate(8 + 50).putInt(0).put("mdat".getBytes(StandardCharsets.US_ASCII)).array();
    assertThatCode(() -> check(write(box("ftyp", 16), toEnd))).doesNotThrowAnyException();
  }

  @Test
  void notMp4_isLeftToFfprobe() throws Exception {
    assertThatCode(() -> check(write("#EXTM3U\nhello".getBytes(StandardCharsets.US_ASCII)))).doesNotThrowAnyException();
    assertThatCode(() -> check(write(new byte[] {0x47, 0, 0}))).doesNotThrowAnyException();
  }

  @Test
  void truncatedOrDamaged_isBroken() throws Exception {
    byte[] mdat = box("mdat", 1000);
    byte[] cut = java.util.Arrays.copyOf(mdat, 500);
    assertThatThrownBy(() -> check(write(box("ftyp", 16), box("moov", 100), cut)))
        .isInstanceOf(Prober.BrokenMediaException.class).hasMessage("truncated: the 'mdat' box needs 1140 bytes but the file has 632");
    assertThatThrownBy(() -> check(write(box("ftyp", 16), new byte[] {1, 2, 3})))
        .hasMessage("truncated: 3 stray bytes after the last MP4 box");
    assertThatThrownBy(() -> check(write(box("ftyp", 16), box("zzzz", 8))))
        .hasMessage("damaged MP4: unknown top-level box at byte 24");
    byte[] tiny = ByteBuffer.allocate(8).putInt(4).put("free".getBytes(StandardCharsets.US_ASCII)).array();
    assertThatThrownBy(() -> check(write(box("ftyp", 16), tiny))).hasMessageContaining("has size 4");
  }

  /** Fuzz: random and mutated box structures end normally or as BrokenMediaException, never otherwise. */
  @Test
  void fuzz_arbitraryBytes() throws Exception {
    Random random = new Random(20261121L);
    byte[] seed = java.nio.ByteBuffer.allocate(0).array();
    var good = new java.io.ByteArrayOutputStream();
    good.write(box("ftyp", 16));
    good.write(box("moov", 64));
    good.write(box("mdat", 256));
    seed = good.toByteArray();
    Path file = dir.resolve("fuzz.mp4");
    for (int run = 0; run < 3000; run++) {
      byte[] bytes = run % 3 == 0 ? new byte[random.nextInt(64)] : seed.clone();
      if (run % 3 == 0) {
        random.nextBytes(bytes);
      } else {
        for (int e = 0; e < 1 + random.nextInt(6); e++) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      }
      Files.write(file, bytes);
      try {
        check(file);
      } catch (Prober.BrokenMediaException expected) {
        // fine: a reason for people
      } catch (Throwable t) {
        throw new AssertionError("run " + run + ": " + t + " for " + java.util.HexFormat.of().formatHex(bytes), t);
      }
    }
  }
}
