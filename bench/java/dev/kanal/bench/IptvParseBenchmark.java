package dev.kanal.bench;

import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.playlist.PlaylistParseException;
import dev.kanal.playlist.Playlists;
import dev.kanal.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast the IPTV parser reads lists: a 50 MB list built in memory by repeating Free-TV's
 * {@code playlist.m3u8} (time per parse, from UTF-8 bytes and from characters), and the whole IPTV
 * corpus (throughput; the {@code bytes} counter is in bytes per second). Run with
 * {@code bench/run-jmh.sh IptvParse}.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class IptvParseBenchmark {

  private static final int BIG = 50 * 1024 * 1024;
  private static final List<String> CORPUS = List.of("iptv-org/ar.m3u", "iptv-org/br.m3u", "iptv-org/cn.m3u",
      "iptv-org/de.m3u", "iptv-org/fr.m3u", "iptv-org/in.m3u", "iptv-org/jp.m3u", "iptv-org/ru.m3u",
      "iptv-org/uk.m3u", "iptv-org/us.m3u", "iptv-org/M3u.txt", "iptv-org/MongolianTVHD (1).m3u8",
      "free-tv/playlist.m3u8");

  private byte[] big;
  private String bigText;
  private List<byte[]> corpus;

  /** Builds the 50 MB list and loads the corpus, and checks that the list parses. */
  @Setup
  public void setUp() throws IOException, PlaylistParseException {
    byte[] freeTv = Files.readAllBytes(Corpus.file("free-tv/playlist.m3u8"));
    int headerEnd = indexOf(freeTv, (byte) '\n') + 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream(BIG + freeTv.length);
    out.write(freeTv);
    while (out.size() < BIG) {
      out.write(freeTv, headerEnd, freeTv.length - headerEnd);
    }
    big = out.toByteArray();
    bigText = new String(big, StandardCharsets.UTF_8);
    corpus = new ArrayList<>();
    for (String file : CORPUS) {
      corpus.add(Files.readAllBytes(Corpus.file(file)));
    }
    IptvPlaylist check = (IptvPlaylist) Playlists.parse(new ByteArrayInputStream(big), ParseOptions.DEFAULTS);
    System.out.printf("%n50 MB list: %,d bytes, %,d entries; corpus: %,d bytes in %d files%n", big.length,
        check.entries().size(), corpus.stream().mapToLong(b -> b.length).sum(), corpus.size());
  }

  private static int indexOf(byte[] data, byte b) {
    for (int i = 0; i < data.length; i++) {
      if (data[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** Counts the bytes parsed, reported by JMH as a rate: bytes per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    /** Bytes parsed in this iteration. */
    public long bytes;

    /** Starts each iteration from zero. */
    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  /** Parses the 50 MB list from UTF-8 bytes, decoding included. */
  public Object parse50MbFromBytes() throws IOException, PlaylistParseException {
    return Playlists.parse(new ByteArrayInputStream(big), ParseOptions.DEFAULTS);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  /** Parses the 50 MB list from characters already decoded. */
  public Object parse50MbFromChars() throws IOException, PlaylistParseException {
    return Playlists.parse(new StringReader(bigText), ParseOptions.DEFAULTS);
  }

  /**
   * The floor any JVM parser starts from, for a ratio: decode the 50 MB list and split it into line
   * Strings with the JDK's BufferedReader, nothing else. No Java library parses IPTV attributes
   * (m3u8-parser rejects these EXTINF lines), so this is the peer measured in the same run.
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int readLines50MbFloor() throws IOException {
    java.io.BufferedReader reader = new java.io.BufferedReader(
        new java.io.InputStreamReader(new ByteArrayInputStream(big), java.nio.charset.StandardCharsets.UTF_8));
    int lines = 0;
    while (reader.readLine() != null) {
      lines++;
    }
    return lines;
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  /** Parses every IPTV file of the corpus once, from bytes. */
  public int parseCorpus(Bytes counter) throws IOException, PlaylistParseException {
    int entries = 0;
    for (byte[] file : corpus) {
      entries += ((IptvPlaylist) Playlists.parse(new ByteArrayInputStream(file), ParseOptions.DEFAULTS)).entries().size();
      counter.bytes += file.length;
    }
    return entries;
  }
}
