package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.kanal.config.ByteSize;
import dev.kanal.config.KanalConfig.PackagingConfig;
import dev.kanal.config.KanalConfig.VodConfig;
import dev.kanal.testing.VodCheck;
import dev.kanal.testing.VodVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The on-demand engine with real ffmpeg: how far a job runs ahead, when a new job starts, what a
 * seek gives, and the software fallback of a hardware encoder that cannot run here.
 */
class OnDemandHlsTest {

  @TempDir Path cacheDir;

  static OnDemandHls.Source source(Path file) throws Exception {
    MediaInfo info = new Prober(Path.of("ffprobe"), Duration.ofSeconds(60)).probe(file);
    return new OnDemandHls.Source("vid", file, Files.size(file), Files.getLastModifiedTime(file).toInstant(), info,
        PlaybackDecision.decide(info, "", false));
  }

  static VodConfig config(int runAhead, String encoder) {
    return new VodConfig(Duration.ofSeconds(6), ByteSize.parse("1GiB"), runAhead, encoder, List.of(),
        PackagingConfig.defaults());
  }

  private Set<String> cachedFiles(OnDemandHls.Stream stream) throws Exception {
    Path dir = cacheDir.resolve("segments").resolve(stream.source().id() + "-" + stream.signature());
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ts")).collect(Collectors.toSet());
    }
  }

  private static void awaitIdle(OnDemandHls engine) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (engine.runningJobs() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(engine.runningJobs()).as("jobs still running").isZero();
  }

  @Test
  void segment_runsAheadAtMostRunAhead_thenStops_andJumpsStartNewJobsOnTheGrid() throws Exception {
    try (OnDemandHls engine = new OnDemandHls(Path.of("ffmpeg"), Path.of("ffprobe"), cacheDir, config(2, "software"))) {
      OnDemandHls.Stream stream = engine.stream(source(VodVideos.longH264()));
      String playlist = stream.plan().mediaPlaylist();
      assertThat(Files.exists(cacheDir.resolve("index").resolve("vid-" + stream.signature() + ".txt")))
          .as("key-frame index cached on disk").isTrue();

      Path s10 = engine.segment(stream, 10);
      assertThat(VodCheck.startTimes(s10).get("video")).isCloseTo(VodCheck.startOf(playlist, 10), within(0.001));
      awaitIdle(engine);
      // Segment 9 was made only to warm up (and dropped); 10 was asked for; 11 and 12 are the run-ahead.
      assertThat(cachedFiles(stream)).containsExactlyInAnyOrder("10.ts", "11.ts", "12.ts");
      assertThat(engine.jobsStarted()).isEqualTo(1);

      engine.segment(stream, 12);
      assertThat(engine.jobsStarted()).as("a cached segment needs no job").isEqualTo(1);

      Path back = engine.segment(stream, 3);
      assertThat(engine.jobsStarted()).as("a jump back starts a job there").isEqualTo(2);
      assertThat(VodCheck.startTimes(back).get("video")).isCloseTo(VodCheck.startOf(playlist, 3), within(0.001));

      awaitIdle(engine);
      Path far = engine.segment(stream, 90);
      assertThat(engine.jobsStarted()).as("a jump far ahead starts a job there").isEqualTo(3);
      assertThat(VodCheck.startTimes(far).get("video")).isCloseTo(VodCheck.startOf(playlist, 90), within(0.001));
      awaitIdle(engine);
      assertThat(cachedFiles(stream)).contains("3.ts", "4.ts", "5.ts", "90.ts", "91.ts", "92.ts")
          .doesNotContain("6.ts", "93.ts", "2.ts", "89.ts");
    }
  }

  @Test
  void segment_whileAJobIsClose_waitsForIt_insteadOfStartingAnother() throws Exception {
    try (OnDemandHls engine = new OnDemandHls(Path.of("ffmpeg"), Path.of("ffprobe"), cacheDir, config(3, "software"))) {
      OnDemandHls.Stream stream = engine.stream(source(VodVideos.tenBit()));
      engine.segment(stream, 0);
      engine.segment(stream, 1);
      assertThat(engine.jobsStarted()).isEqualTo(1);
    }
  }

  @Test
  void hardwareEncoderThatFails_fallsBackToLibx264_andSaysWhy() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(OnDemandHls.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try (OnDemandHls engine = new OnDemandHls(Path.of("ffmpeg"), Path.of("ffprobe"), cacheDir, config(3, "vaapi"))) {
      OnDemandHls.Source source = source(VodVideos.tenBit());
      assertThat(source.decision().copyVideo()).isFalse();
      assertThat(engine.masterPlaylist(source)).contains("avc1.6400");
      OnDemandHls.Stream stream = engine.stream(source);
      Path segment = engine.segment(stream, 1);
      assertThat(VodCheck.streams(segment)).contains("h264,video,640,360,yuv420p");
      assertThat(VodCheck.startTimes(segment).get("video")).isCloseTo(6.0, within(0.04));
      assertThat(engine.encoderFallback()).hasValueSatisfying(r -> assertThat(r).startsWith("vaapi encoder failed"));
      assertThat(appender.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
          .contains("event=vod.encoder.fallback").contains("encoder=vaapi").contains("fallback=libx264"));
      // Later jobs go straight to software, and the playlist names what they make.
      assertThat(engine.masterPlaylist(source)).contains("avc1.42C0");
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void command_seeksBeforeInput_offsetsToPlaylistTime_andForcesKeyFramesOnTheGrid() throws Exception {
    try (OnDemandHls engine = new OnDemandHls(Path.of("ffmpeg"), Path.of("ffprobe"), cacheDir, config(3, "software"))) {
      OnDemandHls.Source src = source(VodVideos.tenBit());
      OnDemandHls.Stream stream = new OnDemandHls.Stream(src, "abc", VodPlan.grid(12_000_000, 6_000_000, 0));
      List<String> c = engine.command(stream, 1, 2, true, cacheDir.resolve("job"));
      String line = String.join(" ", c);
      assertThat(c.indexOf("-ss")).isLessThan(c.indexOf("-i"));
      assertThat(line).contains("-ss 6.000000 -i").contains("-output_ts_offset 6.000000")
          .contains("-force_key_frames expr:gte(t,n_forced*6.000000)").contains("-segment_start_number 1")
          .contains("mpegts_copyts=1").contains("-c:a aac").contains("libx264");
    }
  }
}
