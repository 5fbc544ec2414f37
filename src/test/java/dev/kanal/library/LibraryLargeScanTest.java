package dev.kanal.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.FfmpegConfig;
import dev.kanal.config.KanalConfig.LibraryConfig;
import dev.kanal.media.Ffmpeg;
import dev.kanal.media.FfmpegLocator;
import dev.kanal.media.Prober;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan check: 10,000 files (small generated ones, each with distinct bytes, plus sparse
 * files of tens of GB) scanned and probed without failures; the truncated MP4, the zero-byte file
 * and the text file named .mkv are catalogued as broken with reasons. Runs in CI (tagged slow only
 * so that {@code ./test -Pquick} can skip it while iterating).
 */
@Tag("slow")
class LibraryLargeScanTest {

  static final int FILES = 10_000;
  static final int SPARSE = 10;
  static final long SPARSE_SIZE = 20L * 1024 * 1024 * 1024;

  @TempDir
  Path media;

  @TempDir
  Path data;

  @Test
  void tenThousandFiles_scanAndProbeWithoutFailures() throws Exception {
    byte[] ts = tiny("tiny.ts", List.of());
    byte[] mp4 = tiny("tiny.mp4", List.of("-movflags", "+faststart"));
    int small = FILES - SPARSE - 3;
    for (int i = 0; i < small; i++) {
      Path dir = media.resolve("folder-" + (i % 100));
      Files.createDirectories(dir);
      if (i % 2 == 0) {
        Files.write(dir.resolve("clip-" + i + ".ts"), withTsTail(ts, i));
      } else {
        Files.write(dir.resolve("clip-" + i + ".mp4"), withFreeBox(mp4, i));
      }
    }
    Files.createDirectories(media.resolve("huge"));
    for (int i = 0; i < SPARSE; i++) {
      sparseMp4(media.resolve("huge/film-" + i + ".mp4"), mp4, i);
    }
    Files.createDirectories(media.resolve("broken"));
    dev.kanal.testing.TestVideos.writeBroken(media.resolve("broken"));

    Ffmpeg located = FfmpegLocator.locate(new FfmpegConfig("", ""), data, System.getenv("PATH"));
    Path ffprobe = FfmpegLocator.ffprobeForScanning(new FfmpegConfig("", ""), data, located);
    try (Library library = Library.open(LibraryConfig.of(List.of(media)), data.resolve("kanal.db"),
        new Prober(ffprobe, Library.PROBE_TIMEOUT))) {
      ScanReport report = library.scan();
      System.out.printf("LibraryLargeScanTest: %d files scanned and probed in %.1f s with %s (%.0f files/s)%n",
          report.files(), report.elapsed().toMillis() / 1000.0, ffprobe,
          report.files() / (report.elapsed().toMillis() / 1000.0));

      assertThat(report.files()).isEqualTo(FILES);
      assertThat(report.added()).isEqualTo(FILES);
      assertThat(report.probed()).isEqualTo(FILES);
      assertThat(report.broken()).isEqualTo(3);
      assertThat(report.skipped()).isEmpty();
      assertThat(report.problems()).isEmpty();
      assertThat(library.list("", Video.Status.PENDING, Library.Sort.TITLE, false, 0, 1).total()).isZero();
      Library.Page broken = library.list("", Video.Status.BROKEN, Library.Sort.TITLE, false, 0, 10);
      assertThat(broken.items()).extracting(Video::fileName)
          .containsExactlyInAnyOrder("truncated.mp4", "empty.mp4", "notes.mkv");
      assertThat(broken.items()).allSatisfy(v -> assertThat(v.reason()).isNotBlank());
      Library.Page huge = library.list("film", null, Library.Sort.SIZE, true, 0, SPARSE);
      assertThat(huge.items()).hasSize(SPARSE).allSatisfy(v -> {
        assertThat(v.status()).isEqualTo(Video.Status.OK);
        assertThat(v.size()).isGreaterThan(SPARSE_SIZE);
        assertThat(library.file(v.id())).isPresent();
      });
      assertThat(library.size()).isEqualTo(FILES);

      ScanReport again = library.scan();
      assertThat(again.unchanged()).isEqualTo(FILES);
      assertThat(again.probed()).isZero();
      System.out.printf("LibraryLargeScanTest: rescan of %d unchanged files in %d ms%n", FILES, again.elapsed().toMillis());
    }
  }

  private byte[] tiny(String name, List<String> extra) throws Exception {
    Path out = data.resolve(name);
    List<String> cmd = new java.util.ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
        "-f", "lavfi", "-i", "testsrc2=size=64x36:rate=10:duration=1", "-f", "lavfi", "-i", "sine=duration=1",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "16k", "-shortest"));
    cmd.addAll(extra);
    cmd.addAll(List.of("-y", out.toString()));
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return Files.readAllBytes(out);
  }

  /** The TS with one more null packet (PID 0x1FFF, ignored by demuxers) carrying {@code n}: distinct bytes. */
  static byte[] withTsTail(byte[] ts, int n) {
    ByteBuffer out = ByteBuffer.allocate(ts.length + 188).put(ts);
    out.put((byte) 0x47).put((byte) 0x1F).put((byte) 0xFF).put((byte) 0x10).putInt(n);
    return out.array();
  }

  /** The MP4 with a trailing 16-byte {@code free} box carrying {@code n}: still a valid MP4, distinct bytes. */
  static byte[] withFreeBox(byte[] mp4, int n) {
    return ByteBuffer.allocate(mp4.length + 16).put(mp4).putInt(16).put("free".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .putLong(n).array();
  }

  /** A valid MP4 followed by a 20 GB {@code free} box (64-bit size) that is a hole in the file: sparse, no disk used. */
  static void sparseMp4(Path file, byte[] mp4, int n) throws Exception {
    long boxSize = SPARSE_SIZE + n;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.write(mp4);
      raf.writeInt(1);
      raf.write("free".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      raf.writeLong(boxSize);
      raf.writeLong(n);
      raf.setLength(mp4.length + boxSize);
    }
  }
}
