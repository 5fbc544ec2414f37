package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kanal.config.KanalConfig.PackagingConfig;
import dev.kanal.config.KanalConfig.RungConfig;
import dev.kanal.store.Database;
import dev.kanal.testing.PackagingVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job queue over a real database and real ffmpeg: idempotent requests, cancel, failures that
 * keep ffmpeg's last words, and what a reopened queue knows.
 */
class PackageJobsTest {

  /** One cheap rung besides the copied source, so jobs take seconds. */
  static final PackagingConfig CONFIG = new PackagingConfig(List.of(new RungConfig(720, 3000, 128),
      new RungConfig(240, 300, 64)), "auto", 1);

  @TempDir
  Path dir;

  final Map<String, PackageSources.Source> library = new ConcurrentHashMap<>();

  PackageJobs open(Database db) throws Exception {
    return PackageJobs.open(db, dir.resolve("packages"), CONFIG, Duration.ofSeconds(6), Path.of("ffmpeg"),
        Path.of("ffprobe"), id -> Optional.ofNullable(library.get(id)));
  }

  void add(String id, Path file) throws Exception {
    library.put(id, new PackageSources.Source(id, Optional.of(file), Files.size(file),
        Files.getLastModifiedTime(file).toInstant(), "fp-" + id, PackagerTest.probe(PackagingVideos.h264_720p()), null));
  }

  static PackageStatus await(PackageJobs jobs, String id, String state) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      PackageStatus s = jobs.status(id);
      if (s.state().equals(state)) {
        return s;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not " + state + ": " + jobs.status(id));
  }

  @Test
  @Timeout(240)
  void requestTwice_runsOnce_cancelStopsIt_failureKeepsFfmpegsWords_andAReopenedQueueRemembers() throws Exception {
    Path video = PackagingVideos.h264_720p();
    add("good", video);
    Path garbage = Files.write(dir.resolve("garbage.mp4"), new byte[200_000]);
    add("bad", garbage);
    try (Database db = Database.open(dir.resolve("kanal.db"))) {
      try (PackageJobs jobs = open(db)) {
        assertThatThrownBy(() -> jobs.request("nosuch")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("no video with id 'nosuch'");
        library.put("audio", new PackageSources.Source("audio", Optional.of(video), 1, java.time.Instant.EPOCH, "x", null,
            "it has no video stream"));
        assertThatThrownBy(() -> jobs.request("audio")).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("cannot be packaged: it has no video stream");

        // Queued before the workers start: a second request is the same job.
        assertThat(jobs.request("good").state()).isEqualTo("queued");
        assertThat(jobs.request("good").state()).isEqualTo("queued");
        assertThat(jobs.cancel("good")).isTrue();
        assertThat(jobs.status("good").state()).isEqualTo("cancelled");
        assertThat(jobs.cancel("good")).as("nothing left to cancel").isFalse();

        jobs.start();
        // Cancel while ffmpeg runs: stopped, nothing published, no work folder left.
        jobs.request("good");
        await(jobs, "good", "running");
        Thread.sleep(300);
        assertThat(jobs.cancel("good")).isTrue();
        assertThat(jobs.status("good").state()).isEqualTo("cancelled");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && folders().size() > 0) {
          Thread.sleep(100);
        }
        assertThat(folders()).isEmpty();
        assertThat(jobs.published("good")).isEmpty();

        // Requested again after the cancel: it runs to the end and is published.
        jobs.request("good");
        PackageStatus done = await(jobs, "good", "published");
        assertThat(done.progress()).isEqualTo(100.0);
        assertThat(jobs.published("good")).contains(dir.resolve("packages").resolve("good").toAbsolutePath());
        assertThat(folders()).containsExactly("good");
        assertThat(jobs.request("good").state()).as("published: not packaged again").isEqualTo("published");

        // A file ffmpeg cannot read: failed, with ffmpeg's own words.
        jobs.request("bad");
        PackageStatus failed = await(jobs, "bad", "failed");
        // (ffprobe lists the key frames first, since the claimed 720p H.264 would be copied)
        assertThat(failed.error()).hasValueSatisfying(e -> assertThat(e).containsIgnoringCase("invalid data"));
        assertThat(jobs.published("bad")).isEmpty();
      }
      // A new queue over the same database knows what was published and what failed.
      try (PackageJobs again = open(db)) {
        assertThat(again.status("good").state()).isEqualTo("published");
        assertThat(again.published("good")).isPresent();
        assertThat(again.status("bad").state()).isEqualTo("failed");
        assertThat(again.status("other").state()).isEqualTo("none");
      }
    }
  }

  private List<String> folders() throws Exception {
    try (var s = Files.list(dir.resolve("packages"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
