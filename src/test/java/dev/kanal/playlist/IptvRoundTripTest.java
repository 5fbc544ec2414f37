package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * Round-trip properties over generated playlists (fixed seeds, so a failure names its seed and
 * reproduces): parse, write, parse again gives an equal playlist, and writing is idempotent.
 */
class IptvRoundTripTest {

  private static final int RUNS = 2000;

  @Test
  void roundTrip_generatedText_parsesBackToEqualPlaylist() {
    for (long seed = 1; seed <= RUNS; seed++) {
      String text = new IptvGenerators(seed).text();
      IptvPlaylist first;
      try {
        first = (IptvPlaylist) Playlists.parse(text);
      } catch (PlaylistParseException | ClassCastException e) {
        throw new AssertionError("seed " + seed + ": " + e + "\n" + text, e);
      }
      check(seed, first);
    }
  }

  @Test
  void roundTrip_generatedModel_writesAndParsesBackUnchanged() {
    for (long seed = 1; seed <= RUNS; seed++) {
      IptvPlaylist model = new IptvGenerators(seed).model();
      String written = IptvWriter.toString(model);
      try {
        IptvPlaylist back = (IptvPlaylist) Playlists.parse(written);
        if (!back.withoutPositions().equals(model)) {
          assertThat(back.withoutPositions()).as("seed %d:%n%s", seed, written).isEqualTo(model);
        }
      } catch (PlaylistParseException e) {
        fail("seed " + seed + ": " + e + "\n" + written, e);
      }
    }
  }

  @Test
  void roundTrip_strictParseOfWriterOutput_acceptsCleanModels() throws Exception {
    IptvPlaylist p = (IptvPlaylist) Playlists.parse("""
        #EXTM3U x-tvg-url="http://g/1.xml"
        #EXTINF:-1 tvg-id="a" tvg-name='say "x"' group-title="A, B",Émission, spéciale 📺 (1080p)
        #EXTVLCOPT:http-user-agent=Mozilla/5.0 (X11)
        #KODIPROP:inputstream=inputstream.adaptive
        http://x/a.m3u8
        """);

    IptvPlaylist strict = (IptvPlaylist) Playlists.parse(IptvWriter.toString(p), ParseOptions.DEFAULTS.withStrict(true));

    assertThat(strict.withoutPositions()).isEqualTo(p.withoutPositions());
  }

  private static void check(long seed, IptvPlaylist first) {
    String written = IptvWriter.toString(first);
    IptvPlaylist second;
    try {
      second = (IptvPlaylist) Playlists.parse(written);
    } catch (PlaylistParseException | ClassCastException e) {
      throw new AssertionError("seed " + seed + ": " + e + "\n" + written, e);
    }
    if (!second.withoutPositions().equals(first.withoutPositions())) {
      assertThat(second.withoutPositions()).as("seed %d:%n%s", seed, written).isEqualTo(first.withoutPositions());
    }
    assertThat(IptvWriter.toString(second)).as("seed %d", seed).isEqualTo(written);
    assertThat(written).as("seed %d", seed).doesNotContain("\r").doesNotStartWith("\uFEFF");
  }
}
