package dev.kanal.media;

import dev.kanal.config.KanalConfig.PackagingConfig;
import dev.kanal.store.Database;
import dev.kanal.store.StoreException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packaging job queue: at most {@code vod.packaging.concurrency} videos packaged at once (one
 * ffmpeg each, {@link Packager}), the rest waiting in request order. Jobs live in the shared
 * {@code kanal.db} (table {@code package_jobs}, owner {@code packaging}): a job that was queued or
 * running when the process died runs again at the next {@link #start}.
 *
 * <p>A package is built in {@code dataDir/packages/.tmp-<id>-<job>-<random>} and renamed to
 * {@code dataDir/packages/<id>} only when complete, so a half-made package is never published; left-over
 * temporary folders (and any ffmpeg still writing into them) are removed at start. A job's id is a hash of
 * the video id, the source's fingerprint, size and modification time, and the packaging settings:
 * requesting a video that is queued, running or published with the same job id changes nothing.
 *
 * <p>{@link #request} throws {@link IllegalArgumentException} for an unknown video and
 * {@link IllegalStateException} for one that cannot be packaged (broken, not probed yet, no video
 * stream); both messages are sentences for users. {@link #status} and {@link #published} only read
 * memory; {@link #request} and {@link #cancel} block on the database.
 */
public final class PackageJobs implements PackageQueue {

  private static final Logger log = LoggerFactory.getLogger(PackageJobs.class);
  static final String OWNER = "packaging";
  static final List<List<String>> MIGRATIONS = List.of(List.of(
      "CREATE TABLE package_jobs (video_id TEXT PRIMARY KEY, job_id TEXT NOT NULL, state TEXT NOT NULL, "
          + "progress REAL NOT NULL DEFAULT 0, error TEXT, seq INTEGER NOT NULL, updated_at INTEGER NOT NULL)"));
  /** Progress is written to the database at most this often (memory has it at once). */
  private static final long PROGRESS_WRITE_NANOS = Duration.ofSeconds(5).toNanos();
  private static final String TMP_PREFIX = PackageFolders.TMP_PREFIX;
  private static final String OLD_PREFIX = PackageFolders.OLD_PREFIX;
  /** The job's identity, written beside master.m3u8 when the package is complete. */
  static final String JOB_FILE = PackageFolders.JOB_FILE;
  private static final int MAX_QUEUED = 1_000_000;

  /** One job's state in memory (mirrors its row). */
  private static final class Job {
    final String videoId;
    volatile String jobId;
    volatile String state;
    volatile double progress;
    volatile String error;
    volatile long seq;
    volatile long progressWritten;

    Job(String videoId, String jobId, String state, double progress, String error, long seq) {
      this.videoId = videoId;
      this.jobId = jobId;
      this.state = state;
      this.progress = progress;
      this.error = error;
      this.seq = seq;
    }

    PackageStatus status() {
      return new PackageStatus(videoId, state, Math.round(progress * 10) / 10.0, Optional.ofNullable(error));
    }
  }

  private final Database db;
  private final Path root;
  private final PackagingConfig config;
  private final Duration segmentDuration;
  private final Packager packager;
  private final PackageSources sources;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, Path> published = new ConcurrentHashMap<>();
  private final Map<String, Packager.Run> running = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicLong seq = new AtomicLong();
  private volatile boolean closing;

  private PackageJobs(Database db, Path root, PackagingConfig config, Duration segmentDuration, Path ffmpeg,
      Path ffprobe, PackageSources sources) {
    this.db = db;
    this.root = root;
    this.config = config;
    this.segmentDuration = segmentDuration;
    this.packager = new Packager(ffmpeg, ffprobe, config, segmentDuration);
    this.sources = sources;
  }

  /**
   * Opens the job table in {@code db} and recovers from a previous run: removes half-made packages,
   * re-queues jobs that were queued or running. Call {@link #start} to run them.
   *
   * @param packages where packages are published ({@code dataDir/packages})
   */
  public static PackageJobs open(Database db, Path packages, PackagingConfig config, Duration segmentDuration,
      Path ffmpeg, Path ffprobe, PackageSources sources) throws StoreException {
    db.migrate(OWNER, MIGRATIONS);
    PackageJobs jobs = new PackageJobs(db, packages.toAbsolutePath().normalize(), config, segmentDuration, ffmpeg,
        ffprobe, sources);
    try {
      Files.createDirectories(jobs.root);
      jobs.recover();
    } catch (IOException e) {
      throw new StoreException("cannot prepare the packages folder " + packages + ": " + e.getMessage(), e);
    } catch (SQLException e) {
      throw new StoreException("cannot read the packaging jobs in " + db.file() + ": " + e.getMessage(), e);
    }
    return jobs;
  }

  private void recover() throws IOException, SQLException {
    // Stops ffmpeg processes a killed Kanal left writing into this packages folder (matched by its temporary path).
    PackageFolders.killWriters(root.resolve(TMP_PREFIX).toString());
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path d : dirs) {
        String name = d.getFileName().toString();
        if (name.startsWith(TMP_PREFIX) || name.startsWith(OLD_PREFIX)) {
          log.info("event=package.cleanup folder={}", name);
          PackageFolders.deleteTree(d);
        }
      }
    }
    List<Job> rows = db.read(c -> {
      List<Job> out = new ArrayList<>();
      try (var ps = c.prepareStatement("SELECT video_id, job_id, state, progress, error, seq FROM package_jobs ORDER BY seq");
          var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Job(rs.getString(1), rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getString(5),
              rs.getLong(6)));
        }
      }
      return out;
    });
    for (Job j : rows) {
      seq.accumulateAndGet(j.seq, Math::max);
      Path dir = root.resolve(j.videoId);
      boolean complete = j.jobId.equals(publishedJobId(dir));
      switch (j.state) {
        case "published" -> {
          if (!complete) {
            log.warn("event=package.missing id={} effect=\"plays on demand until packaged again\"", j.videoId);
            delete(j.videoId);
            continue;
          }
          published.put(j.videoId, dir);
        }
        case "queued", "running" -> {
          if (complete) {
            // Renamed into place, then the process died before the row said so.
            j.state = "published";
            j.progress = 100;
            published.put(j.videoId, dir);
            write(j);
          } else {
            if (j.state.equals("running")) {
              log.info("event=package.resume id={}", j.videoId);
            }
            j.state = "queued";
            j.progress = 0;
            write(j);
            queue.add(j.videoId);
          }
        }
        default -> {
          // failed and cancelled stay as they are until requested again
        }
      }
      jobs.put(j.videoId, j);
    }
  }

  /** Starts the workers ({@code vod.packaging.concurrency} virtual threads). */
  public synchronized void start() {
    if (!workers.isEmpty() || closing) {
      return;
    }
    for (int i = 0; i < config.concurrency(); i++) {
      workers.add(Thread.ofVirtual().name("kanal-package-" + i).start(this::work));
    }
    log.info("event=package.started concurrency={} queued={} published={}", config.concurrency(), queue.size(),
        published.size());
  }

  @Override
  public Optional<Path> published(String videoId) {
    return Optional.ofNullable(published.get(videoId));
  }

  @Override
  public PackageStatus status(String videoId) {
    Job j = jobs.get(videoId);
    return j == null ? PackageStatus.none(videoId) : j.status();
  }

  @Override
  public synchronized PackageStatus request(String videoId) {
    PackageSources.Source source = PackageFolders.packageable(sources, videoId);
    String jobId = jobId(source);
    Job j = jobs.get(videoId);
    if (j != null && j.jobId.equals(jobId) && (j.state.equals("queued") || j.state.equals("running")
        || j.state.equals("published") && published.containsKey(videoId))) {
      return j.status();
    }
    if (j != null && j.state.equals("running")) {
      cancelRunning(videoId); // the source changed under a running job: start over
    }
    if (j != null && !j.jobId.equals(jobId)) {
      published.remove(videoId); // made from another version of the file: plays on demand until re-packaged
    }
    Job next = new Job(videoId, jobId, "queued", 0, null, seq.incrementAndGet());
    try {
      write(next);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot save the packaging job: " + e.getMessage(), e);
    }
    jobs.put(videoId, next);
    queue.remove(videoId);
    if (!queue.offer(videoId)) {
      throw new IllegalStateException("too many packaging jobs are queued");
    }
    log.info("event=package.queued id={} job={}", videoId, jobId);
    return next.status();
  }

  @Override
  public synchronized boolean cancel(String videoId) {
    Job j = jobs.get(videoId);
    if (j == null || !(j.state.equals("queued") || j.state.equals("running"))) {
      return false;
    }
    j.state = "cancelled";
    j.error = null;
    try {
      write(j);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot save the cancellation: " + e.getMessage(), e);
    }
    queue.remove(videoId);
    cancelRunning(videoId);
    log.info("event=package.cancelled id={}", videoId);
    return true;
  }

  private void cancelRunning(String videoId) {
    Packager.Run run = running.get(videoId);
    if (run != null) {
      run.cancel();
    }
  }

  private void work() {
    while (!closing) {
      String id;
      try {
        id = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        runJob(id);
      } catch (RuntimeException e) {
        log.error("event=package.error id={}", id, e);
      }
    }
  }

  private void runJob(String videoId) {
    Packager.Run run = new Packager.Run();
    Job j;
    synchronized (this) {
      j = jobs.get(videoId);
      if (j == null || !j.state.equals("queued") || closing) {
        return;
      }
      j.state = "running";
      j.progress = 0;
      running.put(videoId, run);
    }
    Path tmp = null;
    try {
      write(j);
      PackageSources.Source source = sources.find(videoId)
          .orElseThrow(() -> new IllegalStateException("the video is no longer in the library"));
      PackageFolders.requirePackageable(source);
      Path dir = root.resolve(videoId);
      if (!j.jobId.equals(publishedJobId(dir))) {
        tmp = root.resolve(PackageFolders.tmpName(videoId, j.jobId));
        Files.createDirectories(tmp);
        Job job = j;
        packager.pack(source.file().get(), source.info(), tmp, p -> progress(job, p * 99), run);
        PackageFolders.writeJobFile(tmp, videoId, j.jobId, "local");
        PackageFolders.publish(root, tmp, dir, videoId);
        tmp = null;
      }
      synchronized (this) {
        if (j.state.equals("running") && jobs.get(videoId) == j) {
          j.state = "published";
          j.progress = 100;
          write(j);
          published.put(videoId, dir);
          log.info("event=package.published id={} job={}", videoId, j.jobId);
        }
      }
    } catch (Packager.CancelledException e) {
      log.info("event=package.stopped id={} reason={}", videoId, closing ? "shutdown" : "cancelled");
    } catch (Exception e) {
      if (closing || run.cancelled()) {
        log.info("event=package.stopped id={} reason={}", videoId, closing ? "shutdown" : "cancelled");
      } else {
        fail(j, e);
      }
    } finally {
      running.remove(videoId, run);
      if (tmp != null) {
        try {
          PackageFolders.deleteTree(tmp);
        } catch (IOException e) {
          log.warn("event=package.cleanup_failed folder={} error=\"{}\"", tmp.getFileName(), e.toString());
        }
      }
    }
  }

  private synchronized void fail(Job j, Exception e) {
    if (jobs.get(j.videoId) != j || !j.state.equals("running")) {
      return;
    }
    String message = e instanceof MediaToolException || e instanceof IllegalStateException
        ? e.getMessage() : e.toString();
    j.state = "failed";
    j.error = message;
    log.warn("event=package.failed id={} error=\"{}\"", j.videoId, message.lines().findFirst().orElse(""));
    try {
      write(j);
    } catch (SQLException ex) {
      log.error("event=package.save_failed id={} error=\"{}\"", j.videoId, ex.toString());
    }
  }

  private void progress(Job j, double percent) {
    j.progress = percent;
    long now = System.nanoTime();
    if (now - j.progressWritten > PROGRESS_WRITE_NANOS) {
      j.progressWritten = now;
      try {
        db.read(c -> {
          try (var ps = c.prepareStatement("UPDATE package_jobs SET progress = ?, updated_at = ? WHERE video_id = ? AND job_id = ?")) {
            ps.setDouble(1, percent);
            ps.setLong(2, System.currentTimeMillis());
            ps.setString(3, j.videoId);
            ps.setString(4, j.jobId);
            return ps.executeUpdate();
          }
        });
      } catch (SQLException e) {
        log.debug("event=package.progress_not_saved id={} error=\"{}\"", j.videoId, e.toString());
      }
    }
  }

  /** The job id recorded in a complete package folder, or null. */
  private static String publishedJobId(Path dir) {
    return PackageFolders.publishedJobId(dir);
  }

  /** The job id: what is packaged (video, file version) and how (ladder, format, segment length). */
  String jobId(PackageSources.Source s) {
    return PackageFolders.jobId(s, config, segmentDuration);
  }

  private void write(Job j) throws SQLException {
    db.read(c -> {
      try (var ps = c.prepareStatement("INSERT OR REPLACE INTO package_jobs (video_id, job_id, state, progress, error, seq, "
          + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, j.videoId);
        ps.setString(2, j.jobId);
        ps.setString(3, j.state);
        ps.setDouble(4, j.progress);
        ps.setString(5, j.error);
        ps.setLong(6, j.seq);
        ps.setLong(7, System.currentTimeMillis());
        return ps.executeUpdate();
      }
    });
  }

  private void delete(String videoId) throws SQLException {
    db.read(c -> {
      try (var ps = c.prepareStatement("DELETE FROM package_jobs WHERE video_id = ?")) {
        ps.setString(1, videoId);
        return ps.executeUpdate();
      }
    });
  }

  /**
   * Stops the workers and any ffmpeg they run; jobs that were running stay "running" in the database
   * and run again at the next start. Their temporary folders are removed.
   */
  @Override
  public void close() {
    List<Thread> toJoin;
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
      toJoin = List.copyOf(workers);
    }
    running.values().forEach(Packager.Run::cancel);
    toJoin.forEach(Thread::interrupt);
    for (Thread t : toJoin) {
      try {
        t.join(Duration.ofSeconds(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
