package dev.kanal.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintAndThumbnailsTest {

  @TempDir
  Path dir;

  @Test
  void ids_neverStartWithADash_soTheCommandLineTakesThem() {
    int dashes = 0;
    for (int i = 0; i < 20_000; i++) {
      String id = Fingerprint.id(Integer.toHexString(i));
      assertThat(id).matches("[A-Za-z0-9_][A-Za-z0-9_-]{15}");
      dashes += id.contains("-") ? 1 : 0;
    }
    assertThat(dashes).as("dashes elsewhere stay").isPositive();
  }

  @Test
  void fingerprint_dependsOnContentAndSize_notOnName() throws Exception {
    byte[] bytes = new byte[1_000_000];
    new Random(1).nextBytes(bytes);
    Path a = Files.write(dir.resolve("a.mp4"), bytes);
    Path b = Files.write(dir.resolve("b.mkv"), bytes);
    String fa = Fingerprint.of(a, Files.size(a));
    assertThat(Fingerprint.of(b, Files.size(b))).isEqualTo(fa);
    assertThat(fa).hasSize(64);

    bytes[10] ^= 1; // in the first sample
    Files.write(b, bytes);
    assertThat(Fingerprint.of(b, Files.size(b))).isNotEqualTo(fa);
    bytes[10] ^= 1;
    bytes[bytes.length - 3] ^= 1; // in the last sample
    Files.write(b, bytes);
    assertThat(Fingerprint.of(b, Files.size(b))).isNotEqualTo(fa);

    assertThat(Fingerprint.id(fa)).matches("[A-Za-z0-9_-]{16}").isEqualTo(Fingerprint.id(fa));
  }

  @Test
  void fingerprint_ofAHugeSparseFile_readsOnlySamples() throws Exception {
    Path big = dir.resolve("big.mkv");
    try (RandomAccessFile raf = new RandomAccessFile(big.toFile(), "rw")) {
      raf.setLength(50L * 1024 * 1024 * 1024);
    }
    long start = System.nanoTime();
    String fp = Fingerprint.of(big, Files.size(big));
    assertThat(System.nanoTime() - start).as("three 64 KiB reads, not 50 GB").isLessThan(2_000_000_000L);
    assertThat(fp).hasSize(64);
  }

  @Test
  void vtt_mapsEachIntervalToItsTile() {
    String vtt = Thumbnails.vtt(12, 10, 115, 90);
    assertThat(vtt).startsWith("WEBVTT\n\n00:00:00.000 --> 00:00:10.000\nthumbnails.jpg#xywh=0,0,160,90\n");
    assertThat(vtt).contains("00:01:40.000 --> 00:01:50.000\nthumbnails.jpg#xywh=0,90,160,90\n");
    assertThat(vtt).endsWith("00:01:50.000 --> 00:01:55.000\nthumbnails.jpg#xywh=160,90,160,90\n");
    assertThat(vtt.lines().filter(l -> l.contains("-->")).count()).isEqualTo(12);
    assertThat(Thumbnails.timestamp(3725.5)).isEqualTo("01:02:05.500");
  }
}
