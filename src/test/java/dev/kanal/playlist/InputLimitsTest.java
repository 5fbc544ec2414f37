package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Size limits of the playlist parsers (issue #13): a playlist larger than {@code maxBytes} or with a
 * line longer than {@code maxLineLength} is refused with one error naming the limit, after reading no
 * more than the limit, whichever kind of playlist it is.
 */
class InputLimitsTest {

  static final ParseOptions SMALL = ParseOptions.DEFAULTS.withMaxBytes(64 * 1024).withMaxLineLength(1024);

  /** An endless stream of the same line: the parser must stop at the limit, not at the end. */
  static InputStream endless(String head, String line) {
    byte[] first = head.getBytes(StandardCharsets.UTF_8);
    byte[] repeated = line.getBytes(StandardCharsets.UTF_8);
    return new InputStream() {
      long position;

      @Override
      public int read() {
        long p = position++;
        return p < first.length ? first[(int) p] & 0xff : repeated[(int) ((p - first.length) % repeated.length)] & 0xff;
      }
    };
  }

  @Test
  void iptv_endlessPlaylist_isRefusedAtMaxBytes() {
    assertThatThrownBy(() -> Playlists.parse(endless("#EXTM3U\n", "#EXTINF:-1,Channel\nhttp://a.example/x.m3u8\n"), SMALL))
        .isInstanceOf(PlaylistParseException.class).hasMessageContaining("65536");
  }

  @Test
  void hls_endlessMediaPlaylist_isRefusedAtMaxBytes() {
    assertThatThrownBy(() -> Playlists.parse(endless("#EXTM3U\n#EXT-X-TARGETDURATION:2\n", "#EXTINF:2,\nseg.ts\n"), SMALL))
        .isInstanceOf(PlaylistParseException.class).hasMessageContaining("65536");
  }

  @Test
  void endlessLine_isRefusedAtMaxLineLength() {
    assertThatThrownBy(() -> Playlists.parse(endless("#EXTM3U\n#EXTINF:-1 tvg-name=\"", "a"), SMALL))
        .isInstanceOf(PlaylistParseException.class).hasMessageContaining("1024");
    assertThatThrownBy(() -> Playlists.parse(new ByteArrayInputStream(("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n"
        + "x".repeat(5000) + ".ts\n").getBytes(StandardCharsets.UTF_8)), SMALL))
        .isInstanceOf(PlaylistParseException.class).hasMessageContaining("1024");
  }
}
