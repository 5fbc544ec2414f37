package dev.kanal.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.media.Ffmpeg;
import dev.kanal.testing.HlsMedia;
import dev.kanal.testing.HlsTestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream of two differently encoded parts joined by EXT-X-DISCONTINUITY. */
class RecordDiscontinuityTest {

  @TempDir
  static Path media;

  @TempDir
  Path out;

  static HlsTestServer server;
  static Ffmpeg ffmpeg = new Ffmpeg(Path.of("ffmpeg"), Path.of("ffprobe"), "PATH");
  static List<Path> partA;
  static List<Path> partB;

  @BeforeAll
  static void generate() throws Exception {
    server = HlsTestServer.start(media);
    Path a = HlsMedia.source(media.resolve("a.mp4"), 5, "testsrc2", 10, 1, 440);
    Path b = HlsMedia.source(media.resolve("b.mp4"), 4, "smptebars", 10, 0.5, 880);
    HlsMedia.hls(a, media.resolve("a"), 1, List.of());
    HlsMedia.hls(b, media.resolve("b"), 1, List.of());
    StringBuilder pl = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n");
    partA = segments(pl, "a");
    pl.append("#EXT-X-DISCONTINUITY\n");
    partB = segments(pl, "b");
    pl.append("#EXT-X-ENDLIST\n");
    Files.writeString(media.resolve("index.m3u8"), pl);
  }

  private static List<Path> segments(StringBuilder pl, String dir) throws Exception {
    List<Path> files = new ArrayList<>();
    List<String> lines = Files.readAllLines(media.resolve(dir).resolve("index.m3u8"));
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("#EXTINF")) {
        pl.append(lines.get(i)).append('\n').append(dir).append('/').append(lines.get(i + 1)).append('\n');
        files.add(media.resolve(dir).resolve(lines.get(i + 1)));
      }
    }
    return files;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  RecordSummary record(RecordTarget target) throws Exception {
    return HlsRecorder.create(RecordOptions.builder().build(), new SimpleMeterRegistry())
        .record(server.uri("/index.m3u8"), target, RecordListener.NONE);
  }

  @Test
  void recordTs_keepsTheBytes_andSaysWhereTheDiscontinuityIs() throws Exception {
    Path file = out.resolve("d.ts");
    RecordSummary s = record(RecordTarget.ts(file));
    byte[] a = HlsMedia.concat(partA);
    assertThat(Files.readAllBytes(file)).isEqualTo(HlsMedia.concat(concatAll()));
    assertThat(s.discontinuities()).singleElement().satisfies(d -> {
      assertThat(d.byteOffset()).isEqualTo(a.length);
      assertThat(d.mediaSequence()).isEqualTo(partA.size());
      assertThat(d.reason()).isEqualTo("EXT-X-DISCONTINUITY");
    });
  }

  private static List<Path> concatAll() {
    List<Path> all = new ArrayList<>(partA);
    all.addAll(partB);
    return all;
  }

  @Test
  void recordMp4_hasMonotonicTimestamps_andTheDurationOfTheExtinfSum() throws Exception {
    Path file = out.resolve("d.mp4");
    record(RecordTarget.file(file, RecordTarget.Format.MP4, Optional.of(ffmpeg)));
    BigDecimal extinf = HlsMedia.extinfSum(media.resolve("index.m3u8"));
    String duration = HlsMedia.run(List.of("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
        "default=nw=1:nk=1", file.toString())).strip();
    assertThat(new BigDecimal(duration).subtract(extinf).abs()).isLessThan(BigDecimal.ONE);
    for (String stream : List.of("v:0", "a:0")) {
      String dts = HlsMedia.run(List.of("ffprobe", "-v", "error", "-select_streams", stream, "-show_entries",
          "packet=dts_time", "-of", "csv=p=0", file.toString()));
      List<Double> times = dts.lines().map(l -> l.split(",")[0].strip()).filter(l -> !l.isBlank() && !l.equals("N/A")).map(Double::parseDouble).toList();
      assertThat(times).as(stream + " packets").hasSizeGreaterThan(20);
      for (int i = 1; i < times.size(); i++) {
        assertThat(times.get(i)).as(stream + " dts at packet " + i).isGreaterThan(times.get(i - 1));
      }
      assertThat(times.getLast() - times.getFirst()).as(stream + " span").isGreaterThan(extinf.doubleValue() - 1.5);
    }
    // Without the fix the second part would start again near 0: the naive remux shows it.
    Path naive = out.resolve("naive.ts");
    Files.write(naive, HlsMedia.concat(concatAll()));
    String naiveDts = HlsMedia.run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
        "packet=dts_time", "-of", "csv=p=0", naive.toString()));
    List<Double> n = naiveDts.lines().map(l -> l.split(",")[0].strip()).filter(l -> !l.isBlank() && !l.equals("N/A")).map(Double::parseDouble).toList();
    boolean goesBack = false;
    for (int i = 1; i < n.size(); i++) {
      goesBack |= n.get(i) < n.get(i - 1);
    }
    assertThat(goesBack).as("the test stream really has a timestamp jump back").isTrue();
  }

  @Test
  void splitOnDiscontinuity_writesNumberedParts() throws Exception {
    Path file = out.resolve("p.ts");
    RecordSummary s = record(RecordTarget.ts(file).withSplitOnDiscontinuity(true));
    assertThat(s.outputs()).containsExactly(out.resolve("p-001.ts"), out.resolve("p-002.ts"));
    assertThat(Files.readAllBytes(out.resolve("p-001.ts"))).isEqualTo(HlsMedia.concat(partA));
    assertThat(Files.readAllBytes(out.resolve("p-002.ts"))).isEqualTo(HlsMedia.concat(partB));
  }

  @Test
  void recordMkv_works() throws Exception {
    Path file = out.resolve("d.mkv");
    RecordSummary s = record(RecordTarget.file(file, RecordTarget.Format.MKV, Optional.of(ffmpeg)));
    assertThat(s.outputs()).containsExactly(file);
    String streams = HlsMedia.run(List.of("ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of",
        "csv=p=0", file.toString()));
    assertThat(streams).contains("h264").contains("aac");
    try (var list = Files.list(out)) {
      assertThat(list.filter(p -> p.getFileName().toString().contains(".parts-"))).as("temporary parts removed").isEmpty();
    }
  }
}
