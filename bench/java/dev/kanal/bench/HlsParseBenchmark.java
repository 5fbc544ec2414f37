package dev.kanal.bench;

import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.PlaylistParseException;
import dev.kanal.playlist.Playlists;
import io.lindstrom.m3u8.parser.MediaPlaylistParser;
import io.lindstrom.m3u8.parser.ParsingMode;
import io.lindstrom.m3u8.parser.PlaylistParserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Kanal's HLS media playlist parser against io.lindstrom m3u8-parser 0.27 in LENIENT mode, on the same
 * strings in the same run: every media playlist of the shared corpus ({@code corpus}), a generated
 * 10,000-segment VOD playlist with byte ranges and rotating keys ({@code large-vod}), and a generated
 * 2,000-segment live playlist with a program date-time on every segment ({@code large-live}).
 * Run with {@code bench/run-jmh.sh HlsParse}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HlsParseBenchmark {

  @Param({"corpus", "large-vod", "large-live"})
  public String input;

  private List<String> texts;
  private final MediaPlaylistParser peer = new MediaPlaylistParser(ParsingMode.LENIENT);

  @Setup
  public void setUp() throws Exception {
    texts = switch (input) {
      case "corpus" -> corpusMediaPlaylists();
      case "large-vod" -> List.of(largeVod(10_000));
      case "large-live" -> List.of(largeLive(2_000));
      default -> throw new IllegalArgumentException(input);
    };
    // Both parsers must read every input to the same number of segments, or the comparison is void.
    for (String text : texts) {
      int ours = kanal(text);
      int theirs = peer(text);
      if (ours != theirs) {
        throw new IllegalStateException("segment counts differ: Kanal " + ours + ", m3u8-parser " + theirs);
      }
    }
  }

  /** Parses every input with Kanal; returns the segment count so nothing is optimized away. */
  @Benchmark
  public int kanal() throws PlaylistParseException {
    int segments = 0;
    for (String text : texts) {
      segments += kanal(text);
    }
    return segments;
  }

  /** Parses every input with m3u8-parser (LENIENT); returns the segment count. */
  @Benchmark
  public int m3u8Parser() throws PlaylistParserException {
    int segments = 0;
    for (String text : texts) {
      segments += peer(text);
    }
    return segments;
  }

  private static int kanal(String text) throws PlaylistParseException {
    return ((MediaPlaylist) Playlists.parse(text)).segments().size();
  }

  private int peer(String text) throws PlaylistParserException {
    return peer.readPlaylist(text).mediaSegments().size();
  }

  /** The media playlists of the shared corpus (those Kanal reads as media playlists), sorted by path. */
  static List<String> corpusMediaPlaylists() throws IOException {
    Path root = Path.of(System.getProperty("kanal.corpus", "../shared/corpus")).resolve("hls");
    List<String> texts = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".m3u8")).sorted().toList()) {
        String text = Files.readString(f);
        try {
          if (Playlists.parse(text) instanceof MediaPlaylist) {
            texts.add(text);
          }
        } catch (PlaylistParseException e) {
          throw new UncheckedIOException(new IOException(f + ": " + e.getMessage(), e));
        }
      }
    }
    if (texts.isEmpty()) {
      throw new IllegalStateException("no media playlists under " + root.toAbsolutePath());
    }
    return List.copyOf(texts);
  }

  /** A VOD playlist of fMP4 byte ranges in ten files, with a new AES-128 key every 100 segments. */
  static String largeVod(int segments) {
    StringBuilder sb = new StringBuilder(segments * 110);
    sb.append("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:7\n#EXT-X-MEDIA-SEQUENCE:0\n")
        .append("#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n")
        .append("#EXT-X-MAP:URI=\"init.mp4\",BYTERANGE=\"1024@0\"\n");
    long offset = 1024;
    for (int i = 0; i < segments; i++) {
      if (i % 100 == 0) {
        sb.append("#EXT-X-KEY:METHOD=AES-128,URI=\"https://keys.example.com/key/").append(i / 100)
            .append("\",IV=0x").append(String.format("%032x", i)).append('\n');
      }
      if (i % 1000 == 0) {
        offset = 1024;
      }
      long length = 1_400_000 + (i * 7919L) % 200_000;
      sb.append("#EXTINF:").append(i % 10 == 9 ? "5.005" : "6.006").append(",\n")
          .append("#EXT-X-BYTERANGE:").append(length).append('@').append(offset).append('\n')
          .append("media/part-").append(i / 1000).append(".mp4\n");
      offset += length;
    }
    return sb.append("#EXT-X-ENDLIST\n").toString();
  }

  /** A live playlist of MPEG-TS segments, each with a program date-time, as packagers write them. */
  static String largeLive(int segments) {
    StringBuilder sb = new StringBuilder(segments * 120);
    sb.append("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:1000000\n");
    long second = 1_700_000_000L;
    for (int i = 0; i < segments; i++) {
      sb.append("#EXT-X-PROGRAM-DATE-TIME:")
          .append(java.time.Instant.ofEpochSecond(second + i * 6L, (i % 1000) * 1_000_000L)).append('\n')
          .append("#EXTINF:6.000,\n")
          .append("https://cdn.example.com/live/channel-1/segment-").append(1_000_000 + i).append(".ts\n");
    }
    return sb.toString();
  }
}
