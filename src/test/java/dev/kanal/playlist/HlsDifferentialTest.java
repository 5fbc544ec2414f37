package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kanal.testing.Corpus;
import io.lindstrom.m3u8.model.MediaSegment;
import io.lindstrom.m3u8.parser.MasterPlaylistParser;
import io.lindstrom.m3u8.parser.MediaPlaylistParser;
import io.lindstrom.m3u8.parser.ParsingMode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares Kanal's parser with io.lindstrom m3u8-parser (LENIENT) on every corpus HLS file that
 * m3u8-parser accepts: segment and variant counts, URIs, durations and bandwidths must agree. The one
 * known difference, variable substitution (m3u8-parser leaves {@code {$name}} as written), is undone.
 */
class HlsDifferentialTest {

  /** Files m3u8-parser 0.27 refuses even in LENIENT mode; the test checks the list stays true. */
  private static final List<String> REFUSED_BY_PEER = List.of();

  static Stream<String> hlsFiles() throws Exception {
    return HlsCorpusTest.allHlsFiles().stream();
  }

  @ParameterizedTest
  @MethodSource("hlsFiles")
  void differential_corpusFile_agreesWithM3u8Parser(String file) throws Exception {
    String text = Files.readString(Corpus.file(file));
    Playlist ours = Playlists.parse(text);
    if (ours instanceof MediaPlaylist m) {
      io.lindstrom.m3u8.model.MediaPlaylist theirs = peerMedia(text);
      assumeTrue(theirs != null, "m3u8-parser refuses " + file);
      assertThat(m.segments()).hasSameSizeAs(theirs.mediaSegments());
      for (int i = 0; i < m.segments().size(); i++) {
        MediaPlaylist.Segment s = m.segments().get(i);
        MediaSegment t = theirs.mediaSegments().get(i);
        assertThat(s.uri()).as("uri %d", i).isEqualTo(expand(t.uri(), m.header()));
        assertThat(s.durationSeconds().doubleValue()).as("duration %d", i).isEqualTo(t.duration());
        assertThat(s.discontinuity()).as("discontinuity %d", i).isEqualTo(t.discontinuity());
        assertThat(s.programDateTime()).as("program date-time %d", i).isEqualTo(t.programDateTime());
        t.byteRange().ifPresent(r -> {
          assertThat(s.byteRange().orElseThrow().length()).isEqualTo(r.length());
          r.offset().ifPresent(o -> assertThat(s.byteRange().orElseThrow().offset()).isEqualTo(o));
        });
      }
      assertThat(m.mediaSequence()).isEqualTo(theirs.mediaSequence());
      assertThat(m.endList()).isEqualTo(!theirs.ongoing());
      assertThat(m.totalDurationSeconds()).isEqualByComparingTo(exactSum(theirs.mediaSegments()));
    } else {
      MasterPlaylist m = (MasterPlaylist) ours;
      io.lindstrom.m3u8.model.MasterPlaylist theirs = peerMaster(text);
      assumeTrue(theirs != null, "m3u8-parser refuses " + file);
      assertThat(m.variants()).hasSameSizeAs(theirs.variants());
      assertThat(m.iframeVariants()).hasSameSizeAs(theirs.iFrameVariants());
      assertThat(m.renditions()).hasSameSizeAs(theirs.alternativeRenditions());
      assertThat(m.sessionData()).hasSameSizeAs(theirs.sessionData());
      for (int i = 0; i < m.variants().size(); i++) {
        assertThat(m.variants().get(i).uri()).isEqualTo(expand(theirs.variants().get(i).uri(), m.header()));
        assertThat(m.variants().get(i).stream().bandwidth().getAsLong())
            .isEqualTo(theirs.variants().get(i).bandwidth());
      }
    }
  }

  @Test
  void differential_peerAcceptsTheWholeCorpus() throws Exception {
    List<String> refused = new ArrayList<>();
    for (String file : hlsFiles().toList()) {
      String text = Files.readString(Corpus.file(file));
      boolean media = Playlists.parse(text) instanceof MediaPlaylist;
      if ((media ? peerMedia(text) : peerMaster(text)) == null) {
        refused.add(file);
      }
    }
    assertThat(refused).isEqualTo(REFUSED_BY_PEER);
  }

  /** m3u8-parser keeps {@code {$name}} references as written; Kanal substitutes the defined ones. */
  private static String expand(String uri, HlsHeader header) {
    String result = uri;
    for (HlsHeader.Define d : header.defines()) {
      if (d.value().isPresent()) {
        result = result.replace("{$" + d.name() + "}", d.value().get());
      }
    }
    return result;
  }

  /** The exact sum of the peer's durations, each read back from its shortest decimal form. */
  private static BigDecimal exactSum(List<MediaSegment> segments) {
    BigDecimal sum = BigDecimal.ZERO;
    for (MediaSegment s : segments) {
      sum = sum.add(BigDecimal.valueOf(s.duration()));
    }
    return sum;
  }

  private static io.lindstrom.m3u8.model.MediaPlaylist peerMedia(String text) {
    try {
      return new MediaPlaylistParser(ParsingMode.LENIENT).readPlaylist(text);
    } catch (Exception | AssertionError e) {
      return null;
    }
  }

  private static io.lindstrom.m3u8.model.MasterPlaylist peerMaster(String text) {
    try {
      return new MasterPlaylistParser(ParsingMode.LENIENT).readPlaylist(text);
    } catch (Exception | AssertionError e) {
      return null;
    }
  }
}
