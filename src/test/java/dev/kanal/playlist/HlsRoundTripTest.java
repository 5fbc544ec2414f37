package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.Corpus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** parse -> write -> parse gives an equal model, for the corpus and for generated playlists. */
class HlsRoundTripTest {

  private static final int GENERATED = 400;

  /** A test resource of this package as text. */
  static String resource(String name) {
    try (InputStream in = HlsRoundTripTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<String> hlsFiles() throws IOException {
    return Stream.concat(HlsCorpusTest.allHlsFiles().stream(),
        HlsCorpusTest.globocomExtracts().map(a -> "globocom/" + a.get()[0]));
  }

  private static String text(String file) throws IOException {
    return file.startsWith("globocom/") ? resource(file) : Files.readString(Corpus.file(file));
  }

  /** Parses with the HLS parser of the given kind directly (a playlist without any kind-specific tag sniffs as IPTV). */
  static Playlist parseAs(String kind, String text, ParseOptions options) throws PlaylistParseException {
    try {
      LineReader lines = LineReader.of(new java.io.StringReader(text), options.maxBytes(), options.maxLineLength());
      return kind.equals("master") ? HlsParser.parseMaster(lines, options) : HlsParser.parseMedia(lines, options);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String write(Playlist p) {
    return p instanceof MasterPlaylist m ? HlsWriter.toString(m) : HlsWriter.toString((MediaPlaylist) p);
  }

  static Playlist plain(Playlist p) {
    return p instanceof MasterPlaylist m ? m.withoutSourceInfo() : ((MediaPlaylist) p).withoutSourceInfo();
  }

  @ParameterizedTest
  @MethodSource("hlsFiles")
  void roundTrip_corpusFile_givesAnEqualModel(String file) throws Exception {
    ParseOptions options = ParseOptions.DEFAULTS.withImportVariables(Map.of("auth", "?token=1"));
    Playlist first = Playlists.parse(text(file), options);
    String written = write(first);
    Playlist second = parseAs(first.kind(), written, options);
    assertThat(plain(second)).isEqualTo(plain(first));
    assertThat(write(second)).isEqualTo(written);
    assertCanonicalText(written);
  }

  @Test
  void roundTrip_generatedMediaPlaylists_giveEqualModels() throws Exception {
    for (int seed = 0; seed < GENERATED; seed++) {
      MediaPlaylist model = new HlsGenerators(seed).media();
      String written = HlsWriter.toString(model);
      Playlist parsed = Playlists.parse(written);
      assertThat(parsed).as("seed %d:%n%s", seed, written).isInstanceOf(MediaPlaylist.class);
      assertThat(((MediaPlaylist) parsed).withoutSourceInfo()).as("seed %d:%n%s", seed, written).isEqualTo(model);
      assertThat(HlsWriter.toString((MediaPlaylist) parsed)).isEqualTo(written);
      assertCanonicalText(written);
    }
  }

  @Test
  void roundTrip_generatedMultivariantPlaylists_giveEqualModels() throws Exception {
    for (int seed = 0; seed < GENERATED; seed++) {
      MasterPlaylist model = new HlsGenerators(seed).master();
      String written = HlsWriter.toString(model);
      Playlist parsed = Playlists.parse(written);
      assertThat(parsed).as("seed %d:%n%s", seed, written).isInstanceOf(MasterPlaylist.class);
      assertThat(((MasterPlaylist) parsed).withoutSourceInfo()).as("seed %d:%n%s", seed, written).isEqualTo(model);
      assertThat(HlsWriter.toString((MasterPlaylist) parsed)).isEqualTo(written);
      assertCanonicalText(written);
    }
  }

  @Test
  void roundTrip_strictModeAcceptsWrittenGeneratedPlaylistsWithoutMissingRequiredAttributes() throws Exception {
    for (int seed = 0; seed < 50; seed++) {
      MediaPlaylist model = new HlsGenerators(seed).media();
      String written = HlsWriter.toString(model);
      Playlist strict = Playlists.parse(written, ParseOptions.DEFAULTS.withStrict(true));
      assertThat(((MediaPlaylist) strict).withoutSourceInfo()).isEqualTo(model);
    }
  }

  /** UTF-8 that decodes strictly, LF line ends only, no byte-order mark, a final newline. */
  static void assertCanonicalText(String written) {
    byte[] bytes = written.getBytes(StandardCharsets.UTF_8);
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      throw new AssertionError("not valid UTF-8", e);
    }
    assertThat(written).doesNotContain("\r").doesNotStartWith("\uFEFF").startsWith("#EXTM3U\n").endsWith("\n");
    assertThat(List.of(written.split("\n"))).noneMatch(String::isBlank);
  }
}
