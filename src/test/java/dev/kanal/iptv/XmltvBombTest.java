package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A gzip bomb as a guide (issue #13): a few hundred KiB that inflate to hundreds of MiB are stopped at
 * the parser's limit on decompressed bytes (the download itself is capped before decompression by
 * {@code EpgSources}' fetch limit), quickly and without holding the inflated text.
 */
class XmltvBombTest {

  static byte[] bomb(long inflatedBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write("<?xml version=\"1.0\"?><tv>".getBytes(StandardCharsets.UTF_8));
      byte[] blanks = new byte[1 << 20];
      java.util.Arrays.fill(blanks, (byte) ' ');
      for (long n = 0; n < inflatedBytes; n += blanks.length) {
        gz.write(blanks);
      }
      gz.write("</tv>".getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void gzipBomb_isStoppedAtTheDecompressedLimit() throws IOException {
    byte[] bomb = bomb(512L << 20);
    assertThat(bomb.length).as("a small download").isLessThan(1 << 20);
    Instant now = Instant.now();
    long start = System.nanoTime();
    assertThatThrownBy(() -> XmltvParser.create(now.minusSeconds(60), now.plusSeconds(60), 16L << 20)
        .parse(new ByteArrayInputStream(bomb), "bomb.xml.gz", Epg.builder()))
        .isInstanceOf(IOException.class).hasMessageContaining("bomb.xml.gz").hasMessageContaining("limit");
    assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(10_000);
  }

  @Test
  void defaultLimit_boundsDecompressedGuides() {
    assertThat(XmltvParser.DEFAULT_MAX_BYTES).isLessThanOrEqualTo(4L << 30);
    assertThat(EpgSources.DEFAULT_MAX_DOWNLOAD_BYTES).isLessThanOrEqualTo(1L << 30);
  }
}
