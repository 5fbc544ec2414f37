package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kanal.testing.Corpus;
import dev.kanal.testing.SeededMutator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link Playlists#parse} over all three kinds: whatever the bytes, it returns a playlist or
 * throws {@link PlaylistParseException}, within a time limit and the size limits; and an IPTV result
 * survives a round trip through {@link IptvWriter}.
 *
 * <p>Two fuzzers share that check. {@link #parse(byte[])} is a Jazzer fuzz test: a plain test run
 * replays its seeds ({@code src/test/resources/dev/kanal/playlist/PlaylistFuzzTestInputs/parse/},
 * where Jazzer also drops the input of any finding) with a 5 s limit per seed; {@code JAZZER_FUZZ=1}
 * makes it fuzz with coverage guidance for its {@code maxDuration}, with the same 5 s limit per input
 * handed to libFuzzer. {@link #mutatedCorpus_neverFailsUnexpectedly()} is a mutation fuzzer of our
 * own that runs in every build (10 s by default) over the shared corpus, so that mutated inputs are
 * exercised without Jazzer's fuzzing mode. Long runs (JUnit's own timeout must be off in Jazzer's
 * fuzzing mode, or it would stop the whole run after 5 s; Jazzer keeps its generated corpus in
 * {@code .cifuzz-corpus/}):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn test -Dkanal.buildDir=$PWD/target-fuzz -Dtest='PlaylistFuzzTest#parse' \
 *     -Djunit.jupiter.execution.timeout.mode=disabled
 * mvn test -Dkanal.buildDir=$PWD/target-fuzz -Dtest='PlaylistFuzzTest#mutatedCorpus*' \
 *     -Dkanal.fuzz.seconds=1800 [-Dkanal.fuzz.seed=N]
 * </pre>
 */
class PlaylistFuzzTest {

  /** Small limits, so that every input is cheap and the limits themselves get exercised. */
  private static final ParseOptions LIMITS = ParseOptions.DEFAULTS.withMaxBytes(1024 * 1024).withMaxLineLength(64 * 1024);
  private static final URI BASE = URI.create("http://lists.example/iptv/all.m3u");
  private static final int MAX_INPUT = LIMITS.maxLineLength() * 18;
  private static final long PER_INPUT_TIMEOUT_MS = 5_000;

  private static final String[] TOKENS = {
    "#EXTM3U", "#EXTINF:", "#EXTINF:-1 ", "#EXTINF:10.5,", "#EXTVLCOPT:", "#EXTVLCOPT:http-user-agent=",
    "#KODIPROP:", "#KODIPROP:inputstream.adaptive.stream_headers=", "#EXTGRP:", "#EXTHTTP:{\"cookie\":\"a\"}",
    " tvg-id=\"", " group-title='", "\"", "'", ",", "=", " ", "\t", "\n", "\r", "\r\n", "\uFEFF", "|User-Agent=",
    "%", "%2", "&", "(1080p)", "[Not 24/7]", "Ⓖ", "http://", "../", "#EXT-X-STREAM-INF:BANDWIDTH=1,",
    "#EXT-X-TARGETDURATION:10", "#EXT-X-MEDIA-SEQUENCE:", "#EXT-X-KEY:METHOD=AES-128,URI=\"", "#EXT-X-ENDLIST",
    "#EXT-X-DEFINE:NAME=\"a\",VALUE=\"b\"", "{$a}", "#EXT-X-BYTERANGE:", "@", "#EXT-X-MAP:URI=\"",
    "#EXT-X-PART:DURATION=1,URI=\"", "#EXT-X-DATERANGE:ID=\"", "1e999999999", "-", "0x", "9999999999999999999999",
  };

  /** Parses the bytes and checks the contract; fails with the input on anything unexpected. */
  static void check(byte[] data) {
    checkWith(data, LIMITS.withBaseUri(BASE));
    checkWith(data, LIMITS.withStrict(true));
  }

  private static void checkWith(byte[] data, ParseOptions options) {
    Playlist playlist;
    try {
      playlist = Playlists.parse(new ByteArrayInputStream(data), options);
    } catch (PlaylistParseException e) {
      assertThat(e.getMessage()).isNotBlank();
      assertThat(e.line()).isNotNegative();
      return;
    } catch (IOException e) {
      throw new AssertionError("a ByteArrayInputStream does not fail", e);
    }
    assertThat(playlist.warnings()).hasSizeLessThanOrEqualTo(1001);
    if (options.strict()) {
      assertThat(playlist.warnings()).isEmpty();
    }
    if (playlist instanceof IptvPlaylist iptv) {
      String written = IptvWriter.toString(iptv);
      ParseOptions again = ParseOptions.DEFAULTS.withMaxLineLength(Integer.MAX_VALUE);
      if (options.baseUri().isPresent()) {
        again = again.withBaseUri(options.baseUri().get());
      }
      IptvPlaylist back;
      try {
        back = IptvPlaylist.parse(written, again);
      } catch (PlaylistParseException e) {
        throw new AssertionError("the writer's output does not parse: " + e.getMessage() + "\n" + written, e);
      }
      assertThat(back.withoutPositions()).as("round trip of%n%s", written).isEqualTo(iptv.withoutPositions());
    }
  }

  @FuzzTest(maxDuration = "5m")
  @Timeout(value = PER_INPUT_TIMEOUT_MS, unit = TimeUnit.MILLISECONDS)
  void parse(byte[] data) {
    check(data);
  }

  @Test
  void mutatedCorpus_neverFailsUnexpectedly() throws Exception {
    List<byte[]> seeds = seeds();
    SeededMutator.Run run = SeededMutator.of("PlaylistFuzzTest#parse", seeds, List.of(TOKENS), MAX_INPUT, PER_INPUT_TIMEOUT_MS)
        .withLongRuns(LIMITS.maxLineLength(), "a,\"= #")
        .run(10, 20_251_121L, PlaylistFuzzTest::check);
    assertThat(run.inputs()).isGreaterThan(seeds.size());
  }

  private static List<byte[]> seeds() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (String dir : List.of("iptv-org", "free-tv", "hls")) {
      try (Stream<Path> files = Files.walk(Corpus.root().resolve(dir))) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          String name = file.getFileName().toString();
          if (name.equals("LICENSE") || name.endsWith(".md")) {
            continue;
          }
          byte[] bytes = Files.readAllBytes(file);
          seeds.add(bytes.length > 64 * 1024 ? java.util.Arrays.copyOf(bytes, 64 * 1024) : bytes);
        }
      }
    }
    for (long s = 1; s <= 50; s++) {
      seeds.add(new IptvGenerators(s).text().getBytes(StandardCharsets.UTF_8));
    }
    return seeds;
  }

  @Test
  void parse_inputOverMaxBytes_failsWithClearMessage() {
    CountingReader endless = new CountingReader("#EXTM3U\n", "#EXTINF:-1 tvg-id=\"x\",Channel\nhttp://x/stream.m3u8\n",
        "", Long.MAX_VALUE);

    assertThatThrownBy(() -> Playlists.parse(endless, LIMITS))
        .isInstanceOf(PlaylistParseException.class)
        .hasMessage("input is larger than the limit of 1048576 bytes");
    assertThat(endless.served).isLessThanOrEqualTo(LIMITS.maxBytes() + 64 * 1024);
  }

  @Test
  void parse_bytesOverMaxBytes_failsWithClearMessage() {
    InputStream endless = new InputStream() {
      private final byte[] line = "#EXTINF:-1,Channel\nhttp://x/stream.m3u8\n".getBytes(StandardCharsets.UTF_8);
      private long position;

      @Override
      public int read() {
        return line[(int) (position++ % line.length)];
      }
    };

    assertThatThrownBy(() -> Playlists.parse(endless, LIMITS))
        .isInstanceOf(PlaylistParseException.class)
        .hasMessage("input is larger than the limit of 1048576 bytes");
  }

  @Test
  void parse_lineOverDefaultMaxLineLength_failsWithClearMessage() {
    CountingReader longLine = new CountingReader("#EXTM3U\n#EXTINF:-1,", "a", "\nhttp://x/y\n", 2L * 1024 * 1024);

    assertThatThrownBy(() -> Playlists.parse(longLine, ParseOptions.DEFAULTS))
        .isInstanceOf(PlaylistParseException.class)
        .hasMessage("line 2: line is longer than the limit of 1048576 characters")
        .satisfies(e -> assertThat(((PlaylistParseException) e).line()).isEqualTo(2));
    assertThat(longLine.served).isLessThan(ParseOptions.DEFAULT_MAX_LINE_LENGTH + 2L * 64 * 1024);
  }

  @Test
  void parse_urlLineOverSmallMaxLineLength_failsWithClearMessage() {
    CountingReader longUrl = new CountingReader("#EXTM3U\n#EXTINF:-1,A\nhttp://x/a\n#EXTINF:-1,B\nhttp://x/", "b",
        "\n", 70_000);

    assertThatThrownBy(() -> Playlists.parse(longUrl, LIMITS))
        .isInstanceOf(PlaylistParseException.class)
        .hasMessage("line 5: line is longer than the limit of 65536 characters");
  }

  @Test
  void parse_inputJustUnderLimits_parses() throws Exception {
    CountingReader fits = new CountingReader("#EXTM3U\n#EXTINF:-1,", "a", "\nhttp://x/y\n", 60_000);

    Playlist p = Playlists.parse(fits, LIMITS);

    assertThat(((IptvPlaylist) p).entries()).singleElement()
        .satisfies(e -> assertThat(e.title()).hasSize(60_000));
  }

  /** Serves a head, then a body repeated up to a length (without building it), then a tail. */
  private static final class CountingReader extends Reader {
    private final String head;
    private final String body;
    private final String tail;
    private final long bodyChars;
    private long position;
    long served;

    CountingReader(String head, String body, String tail, long bodyChars) {
      this.head = head;
      this.body = body;
      this.tail = tail;
      this.bodyChars = bodyChars;
    }

    @Override
    public int read(char[] buf, int off, int len) {
      int n = 0;
      while (n < len) {
        long p = position;
        char c;
        if (p < head.length()) {
          c = head.charAt((int) p);
        } else if (p - head.length() < bodyChars) {
          c = body.charAt((int) ((p - head.length()) % body.length()));
        } else if (p - head.length() - bodyChars < tail.length()) {
          c = tail.charAt((int) (p - head.length() - bodyChars));
        } else {
          break;
        }
        buf[off + n++] = c;
        position++;
      }
      served += n;
      return n == 0 ? -1 : n;
    }

    @Override
    public void close() {}
  }
}
