package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.PackagingConfig;
import dev.kanal.testing.PackageCheck;
import dev.kanal.testing.PackagingVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real packaging with ffmpeg: the ladder made from real sources, checked by {@link PackageCheck}. */
class PackagerTest {

  static final Path FFMPEG = Path.of("ffmpeg");
  static final Path FFPROBE = Path.of("ffprobe");

  @TempDir
  Path dir;

  static MediaInfo probe(Path file) throws Exception {
    return new Prober(FFPROBE, Duration.ofSeconds(30)).probe(file);
  }

  @Test
  @Timeout(180)
  void pack_720pSource_hasNo1080pRung_copiesItsOwnRung_andPassesEveryCheck() throws Exception {
    Path source = PackagingVideos.h264_720p();
    Packager packager = new Packager(FFMPEG, FFPROBE, PackagingConfig.defaults(), Duration.ofSeconds(6));
    List<Double> progress = new CopyOnWriteArrayList<>();
    List<Packager.Rendition> out = packager.pack(source, probe(source), dir, progress::add, new Packager.Run());

    assertThat(out).extracting(r -> r.rung().name()).containsExactly("720p", "480p");
    assertThat(out.get(0).rung().copyVideo()).as("720p is the source, copied").isTrue();
    assertThat(out.get(1).rung().copyVideo()).isFalse();
    assertThat(Files.exists(dir.resolve("1080p"))).isFalse();
    PackageCheck.Result r = PackageCheck.check(dir);
    assertThat(r.names()).containsExactly("720p", "480p");
    assertThat(r.master().variants().get(0).stream().resolution().orElseThrow().toString()).isEqualTo("1280x720");
    assertThat(r.master().variants().get(1).stream().resolution().orElseThrow().toString()).isEqualTo("854x480");
    // The copied rung is byte-for-byte the source's video: same profile as the source (ultrafast: Constrained Baseline).
    assertThat(r.master().variants().get(0).stream().codecs().orElseThrow()).startsWith("avc1.42c0");
    assertThat(r.master().variants().get(1).stream().codecs().orElseThrow()).startsWith("avc1.6400");
    // 12 s at 6 s segments.
    assertThat(r.media().getFirst().segments()).hasSize(2);
    assertThat(progress).isNotEmpty();
    assertThat(progress.getLast()).isGreaterThan(0.9);
  }

  @Test
  @Timeout(240)
  void pack_1080pSource_asFmp4_threeRungsAlignedWithTheTopOneCopied() throws Exception {
    Path source = PackagingVideos.h264_1080p();
    PackagingConfig config = new PackagingConfig(PackagingConfig.defaults().ladder(), "fmp4", 1);
    Packager packager = new Packager(FFMPEG, FFPROBE, config, Duration.ofSeconds(6));
    List<Packager.Rendition> out = packager.pack(source, probe(source), dir, p -> {}, new Packager.Run());

    assertThat(out).extracting(r -> r.rung().name()).containsExactly("1080p", "720p", "480p");
    assertThat(out).extracting(r -> r.rung().copyVideo()).containsExactly(true, false, false);
    PackageCheck.Result r = PackageCheck.check(dir);
    assertThat(r.media().getFirst().segments().getFirst().map()).as("fMP4 has an init section").isPresent();
    assertThat(r.master().header().version()).hasValue(7);
    assertThat(Files.readString(dir.resolve("package.json"))).contains("\"format\" : \"fmp4\"");
  }

  @Test
  @Timeout(120)
  void pack_hdrHevcSource_goesToFmp4_toneMappedToH264_atItsOwnSizeBelowEveryRung() throws Exception {
    Path source = dir.resolve("hdr.mp4");
    Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
        "testsrc2=size=320x180:rate=25:duration=7", "-vf", "format=yuv420p10le", "-c:v", "libx265", "-preset",
        "ultrafast", "-x265-params", "log-level=error:keyint=50:min-keyint=50", "-color_trc", "smpte2084",
        "-color_primaries", "bt2020", "-colorspace", "bt2020nc", "-y", source.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
    MediaInfo info = probe(source);
    assertThat(info.video().orElseThrow().hdr()).isEqualTo("PQ");
    Path out = Files.createDirectories(dir.resolve("out"));
    Packager packager = new Packager(FFMPEG, FFPROBE, PackagingConfig.defaults(), Duration.ofSeconds(6));
    List<Packager.Rendition> made = packager.pack(source, info, out, x -> {}, new Packager.Run());

    assertThat(made).hasSize(1);
    assertThat(made.getFirst().rung().copyVideo()).isFalse();
    PackageCheck.Result r = PackageCheck.check(out);
    assertThat(r.master().variants().getFirst().stream().resolution().orElseThrow().toString()).isEqualTo("320x180");
    assertThat(r.master().variants().getFirst().stream().codecs().orElseThrow()).isEqualTo(
        made.getFirst().codecs()).startsWith("avc1.64");
    assertThat(r.media().getFirst().segments().getFirst().map()).as("HDR/HEVC sources go to fMP4").isPresent();
    assertThat(Files.readString(out.resolve("package.json"))).contains("every rung encoded: the source is hevc");
  }

  @Test
  @Timeout(120)
  void pack_cancelled_stopsFfmpegAndThrows() throws Exception {
    Path source = PackagingVideos.h264_1080p();
    Packager packager = new Packager(FFMPEG, FFPROBE, PackagingConfig.defaults(), Duration.ofSeconds(6));
    Packager.Run run = new Packager.Run();
    java.util.concurrent.atomic.AtomicBoolean progressed = new java.util.concurrent.atomic.AtomicBoolean();
    long start = System.nanoTime();
    // Cancelled at ffmpeg's first progress report: it is running then, writing into dir.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> packager.pack(source, probe(source), dir, p -> {
      progressed.set(true);
      run.cancel();
    }, run)).isInstanceOf(Packager.CancelledException.class);
    assertThat(progressed).as("ffmpeg reported progress before the cancel").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(Files.exists(dir.resolve("master.m3u8"))).isFalse();
    assertThat(ProcessHandle.allProcesses().filter(ph -> ph.isAlive() && ph.info().commandLine()
        .map(c -> c.contains(dir.toString())).orElse(false))).as("no ffmpeg left writing into the folder").isEmpty();
  }
}
