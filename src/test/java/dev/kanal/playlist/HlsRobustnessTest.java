package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mangled HLS input (fixed seeds) never makes the parser throw anything but
 * {@link PlaylistParseException}, in lenient or strict mode; lenient mode always gives a model, and
 * whatever model it gives survives a write and a second parse unchanged.
 */
class HlsRobustnessTest {

  private static final String[] PIECES = {"#EXTM3U", "#EXT-X-TARGETDURATION:", "#EXTINF:", "#EXT-X-BYTERANGE:",
      "#EXT-X-KEY:", "#EXT-X-MAP:", "#EXT-X-STREAM-INF:", "#EXT-X-MEDIA:", "#EXT-X-DATERANGE:", "#EXT-X-PART:",
      "#EXT-X-DEFINE:", "#EXT-X-PROGRAM-DATE-TIME:", "#EXT-X-SERVER-CONTROL:", "#EXT-X-SKIP:", "#EXT-X-START:",
      "#EXT-X-PRELOAD-HINT:", "#EXT-X-SESSION-DATA:", "#EXT-X-I-FRAME-STREAM-INF:", "#EXT-X-MEDIA-SEQUENCE:",
      "METHOD=", "URI=", "\"", ",", "=", "@", "{$", "}", "0x", "-", ".", "9", "99999999999999999999", "YES",
      "NONE", "AES-128", "BANDWIDTH=", "TYPE=", "AUDIO", "GROUP-ID=", "2020-01-01T00:00:00Z", "x", " ", "\t",
      "\n", "\n", "\n", "\r", "\uFEFF", "\uD800", "日本"};

  /** The writer turns unpaired surrogates into U+FFFD to write valid UTF-8, so such inputs cannot round-trip. */
  private static boolean hasUnpairedSurrogate(String s) {
    return !s.equals(new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void parse_randomHlsLikeInput_neverThrowsAnythingElse() {
    for (int seed = 0; seed < 3000; seed++) {
      Random random = new Random(seed);
      StringBuilder sb = new StringBuilder(random.nextBoolean() ? "#EXTM3U\n" : "");
      sb.append(random.nextBoolean() ? "#EXT-X-TARGETDURATION:6\n" : "#EXT-X-STREAM-INF:BANDWIDTH=1\n");
      int n = random.nextInt(80);
      for (int i = 0; i < n; i++) {
        sb.append(PIECES[random.nextInt(PIECES.length)]);
      }
      String text = sb.toString();
      for (boolean strict : new boolean[] {false, true}) {
        try {
          Playlist p = Playlists.parse(text, ParseOptions.DEFAULTS.withStrict(strict));
          assertThat(p).isNotNull();
          if (!(p instanceof IptvPlaylist) && !hasUnpairedSurrogate(text)) {
            String written = HlsRoundTripTest.write(p);
            Playlist again = HlsRoundTripTest.parseAs(p.kind(), written, ParseOptions.DEFAULTS);
            assertThat(HlsRoundTripTest.plain(again)).as("seed %d:%n%s%n---%n%s", seed, text, written)
                .isEqualTo(HlsRoundTripTest.plain(p));
          }
        } catch (PlaylistParseException e) {
          assertThat(strict || e.line() == 0).as("lenient mode threw %s for seed %d", e, seed).isTrue();
        } catch (RuntimeException e) {
          fail("seed " + seed + (strict ? " strict" : " lenient") + " threw " + e + " for:\n" + text, e);
        }
      }
    }
  }
}
