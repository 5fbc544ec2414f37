package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How a check tells a stream from an error page by its first bytes. */
class StreamCheckSniffTest {

  static byte[] tsPackets(int count) {
    byte[] b = new byte[188 * count];
    for (int i = 0; i < count; i++) {
      b[i * 188] = 0x47;
    }
    return b;
  }

  @Test
  void mpegTsNeedsSyncBytesAPacketApart() {
    assertThat(StreamCheck.looksLikeMedia(tsPackets(3), "")).isTrue();
    assertThat(StreamCheck.looksLikeMedia(tsPackets(1), "")).isTrue();
    byte[] notTs = tsPackets(3);
    notTs[188] = 0;
    assertThat(StreamCheck.looksLikeMedia(notTs, "")).isFalse();
  }

  @Test
  void shortTextStartingWithGIsNotAStream() {
    assertThat(StreamCheck.looksLikeMedia("Gone fishing\n".getBytes(StandardCharsets.US_ASCII), "text/plain")).isFalse();
    assertThat(StreamCheck.looksLikeMedia("Gone".getBytes(StandardCharsets.US_ASCII), "")).isFalse();
  }

  @Test
  void isoBmffAndMediaTypes() {
    byte[] mp4 = "\0\0\0\u0018ftypisom".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(StreamCheck.looksLikeMedia(mp4, "")).isTrue();
    assertThat(StreamCheck.looksLikeMedia("x".getBytes(StandardCharsets.US_ASCII), "video/mp2t")).isTrue();
    assertThat(StreamCheck.looksLikeMedia("hello".getBytes(StandardCharsets.US_ASCII), "text/plain")).isFalse();
  }
}
