package dev.kanal.media;

import dev.kanal.config.KanalConfig.PackagingConfig;
import dev.kanal.config.KanalConfig.RedisConfig;
import dev.kanal.store.RedisJobQueue;
import dev.kanal.store.StoreException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packaging jobs shared by several nodes through Redis ({@link RedisJobQueue}: a Stream with the consumer
 * group {@code workers}, a state hash and a lease per video). Any node queues jobs; nodes with
 * {@code vod.packaging.worker} take them, {@code vod.packaging.concurrency} at a time, and build packages in
 * the shared packages folder exactly as {@link PackageJobs} does ({@link PackageFolders}).
 *
 * <p>A worker renews its job's lease every third of {@code vod.packaging.lease}; when it dies the job is
 * taken over by another worker once the lease has run out, which removes the dead worker's temporary
 * folder (and its ffmpeg, when on the same machine) and starts the job again. The rename that publishes
 * a package happens only while the worker holds the lease of the current job id, between the queue's
 * {@code publishing} and {@code published} states; a worker that takes over a job left in
 * {@code publishing} whose complete package is already in place marks it published without packaging
 * again. A job is therefore published once, unless a worker freezes for longer than the lease between
 * checking its lease and renaming (documented in docs/DEPLOY.md).
 */
public final class ClusterPackageJobs implements PackageQueue {

  private static final Logger log = LoggerFactory.getLogger(ClusterPackageJobs.class);
  /** How long {@link #published} trusts what Redis said (every VOD request asks). */
  private static final long STATE_CACHE_NANOS = Duration.ofSeconds(1).toNanos();
  /** Progress is written to Redis at most this often. */
  private static final long PROGRESS_WRITE_NANOS = Duration.ofSeconds(1).toNanos();
  /** How long a worker's blocking read waits for a new job before looking for abandoned ones again. */
  private static final Duration POLL = Duration.ofSeconds(1);

  private record Cached(Optional<RedisJobQueue.JobState> state, long until) {}

  private final RedisJobQueue queue;
  private final Path root;
  private final PackagingConfig config;
  private final Duration segmentDuration;
  private final Packager packager;
  private final PackageSources sources;
  private final String node;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Map<String, Packager.Run> running = new ConcurrentHashMap<>();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean closing;

  private ClusterPackageJobs(RedisJobQueue queue, Path root, PackagingConfig config, Duration segmentDuration,
      Path ffmpeg, Path ffprobe, PackageSources sources, String node) {
    this.queue = queue;
    this.root = root;
    this.config = config;
    this.segmentDuration = segmentDuration;
    this.packager = new Packager(ffmpeg, ffprobe, config, segmentDuration);
    this.sources = sources;
    this.node = node;
  }

  /**
   * Connects to the queue in Redis. Call {@link #start} to run jobs on this node.
   *
   * @param packages the packages folder, shared by every node
   * @param node this node's name in the consumer group (unique among the nodes)
   */
  public static ClusterPackageJobs open(RedisConfig redis, Path packages, PackagingConfig config,
      Duration segmentDuration, Path ffmpeg, Path ffprobe, PackageSources sources, String node) throws StoreException {
    Path root = packages.toAbsolutePath().normalize();
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new StoreException("cannot prepare the packages folder " + packages + ": " + e.getMessage(), e);
    }
    RedisJobQueue queue = RedisJobQueue.open(redis, "pkg");
    return new ClusterPackageJobs(queue, root, config, segmentDuration, ffmpeg, ffprobe, sources, node);
  }

  /** A node name: host name, process id and a random suffix, so a restarted node is a new consumer. */
  public static String nodeName() {
    String host = System.getenv().getOrDefault("HOSTNAME", "");
    if (host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "node";
      }
    }
    return host.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + ProcessHandle.current().pid() + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
  }

  @Override
  public synchronized void start() {
    if (!workers.isEmpty() || closing) {
      return;
    }
    if (config.worker()) {
      for (int i = 0; i < config.concurrency(); i++) {
        workers.add(Thread.ofVirtual().name("kanal-package-" + i).start(this::work));
      }
    }
    log.info("event=package.started queue={} node={} worker={} concurrency={}", queue.description(), node,
        config.worker(), config.worker() ? config.concurrency() : 0);
  }

  @Override
  public Optional<Path> published(String videoId) {
    Optional<RedisJobQueue.JobState> state = cachedState(videoId);
    if (state.isEmpty() || !state.get().state().equals("published")) {
      return Optional.empty();
    }
    Path dir = root.resolve(videoId);
    return Files.isRegularFile(dir.resolve("master.m3u8")) ? Optional.of(dir) : Optional.empty();
  }

  private Optional<RedisJobQueue.JobState> cachedState(String videoId) {
    long now = System.nanoTime();
    Cached c = cache.get(videoId);
    if (c != null && now - c.until() < 0) {
      return c.state();
    }
    try {
      Optional<RedisJobQueue.JobState> state = queue.state(videoId);
      cache.put(videoId, new Cached(state, now + STATE_CACHE_NANOS));
      return state;
    } catch (StoreException e) {
      log.warn("event=package.state_unavailable id={} error=\"{}\" effect=\"plays on demand\"", videoId, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public PackageStatus status(String videoId) {
    Optional<RedisJobQueue.JobState> s;
    try {
      s = queue.state(videoId);
    } catch (StoreException e) {
      throw new IllegalStateException("cannot read the packaging state: " + e.getMessage(), e);
    }
    cache.remove(videoId);
    return s.map(ClusterPackageJobs::status).orElse(PackageStatus.none(videoId));
  }

  private static PackageStatus status(RedisJobQueue.JobState s) {
    String state = s.state().equals("publishing") ? "running" : s.state();
    return new PackageStatus(s.key(), state, s.progress(),
        s.error().isEmpty() ? Optional.empty() : Optional.of(s.error()));
  }

  @Override
  public PackageStatus request(String videoId) {
    PackageSources.Source source = PackageFolders.packageable(sources, videoId);
    String jobId = PackageFolders.jobId(source, config, segmentDuration);
    try {
      if (queue.request(videoId, jobId)) {
        log.info("event=package.queued id={} job={} queue=redis", videoId, jobId);
      }
    } catch (StoreException e) {
      throw new IllegalStateException("cannot queue the packaging job: " + e.getMessage(), e);
    }
    return status(videoId);
  }

  @Override
  public boolean cancel(String videoId) {
    try {
      boolean cancelled = queue.cancel(videoId);
      if (cancelled) {
        Packager.Run run = running.get(videoId);
        if (run != null) {
          run.cancel(); // this node runs it; another node's worker stops at its next renewal
        }
        log.info("event=package.cancelled id={}", videoId);
      }
      cache.remove(videoId);
      return cancelled;
    } catch (StoreException e) {
      throw new IllegalStateException("cannot cancel the packaging job: " + e.getMessage(), e);
    }
  }

  private void work() {
    Duration lease = config.lease();
    // Abandoned entries are taken a little after their lease key has expired, so the lease is free by then.
    Duration abandoned = lease.plus(lease.dividedBy(10)).plusMillis(200);
    while (!closing) {
      try {
        String owner = node + "/" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        Optional<RedisJobQueue.Claim> claim = queue.next(node, owner, abandoned, POLL);
        if (claim.isPresent()) {
          runClaim(claim.get());
        }
      } catch (StoreException e) {
        if (closing) {
          return;
        }
        log.warn("event=package.queue_unavailable error=\"{}\" retry=1s", e.getMessage());
        sleep(Duration.ofSeconds(1));
      } catch (RuntimeException e) {
        log.error("event=package.error", e);
        sleep(Duration.ofSeconds(1));
      }
    }
  }

  private void runClaim(RedisJobQueue.Claim c) throws StoreException {
    String videoId = c.key();
    Path dir = root.resolve(videoId);
    cache.remove(videoId);
    if (!c.previousState().equals("queued") && c.jobId().equals(PackageFolders.publishedJobId(dir))) {
      // Taken over from a worker that died after moving the complete package into place.
      if (queue.adoptPublished(c)) {
        log.info("event=package.adopted id={} job={}", videoId, c.jobId());
      }
      return;
    }
    if (!c.previousState().equals("queued")) {
      log.info("event=package.takeover id={} job={} node={}", videoId, c.jobId(), node);
    }
    removeLeftovers(videoId);
    Packager.Run run = new Packager.Run();
    running.put(videoId, run);
    AtomicReference<RedisJobQueue.Renewal> renewal = new AtomicReference<>(RedisJobQueue.Renewal.HELD);
    Thread renewer = Thread.ofVirtual().name("kanal-package-lease").start(() -> renew(c, run, renewal));
    Path tmp = null;
    try {
      PackageSources.Source source = sources.find(videoId)
          .orElseThrow(() -> new IllegalStateException("the video is no longer in the library"));
      PackageFolders.requirePackageable(source);
      if (!PackageFolders.jobId(source, config, segmentDuration).equals(c.jobId())) {
        throw new IllegalStateException("the video's file or the packaging settings changed since it was queued: "
            + "request it again");
      }
      tmp = root.resolve(PackageFolders.tmpName(videoId, c.jobId()));
      Files.createDirectories(tmp);
      long[] written = {0};
      packager.pack(source.file().get(), source.info(), tmp, p -> progress(c, p * 99, written), run);
      PackageFolders.writeJobFile(tmp, videoId, c.jobId(), node);
      if (renewal.get() != RedisJobQueue.Renewal.HELD || !queue.beginPublish(c)) {
        log.warn("event=package.not_published id={} job={} reason=\"no longer this node's job\"", videoId, c.jobId());
        return;
      }
      PackageFolders.publish(root, tmp, dir, videoId);
      tmp = null;
      if (queue.finishPublish(c)) {
        log.info("event=package.published id={} job={} node={}", videoId, c.jobId(), node);
      } else {
        log.warn("event=package.published_late id={} job={} reason=\"lease lost while publishing\"", videoId, c.jobId());
      }
    } catch (Packager.CancelledException e) {
      ended(c, renewal.get(), null);
    } catch (Exception e) {
      if (closing || run.cancelled()) {
        ended(c, renewal.get(), null);
      } else {
        String message = e instanceof MediaToolException || e instanceof IllegalStateException
            ? e.getMessage() : e.toString();
        log.warn("event=package.failed id={} error=\"{}\"", videoId, message.lines().findFirst().orElse(""));
        ended(c, renewal.get(), message);
      }
    } finally {
      renewer.interrupt();
      running.remove(videoId, run);
      cache.remove(videoId);
      if (tmp != null) {
        try {
          PackageFolders.deleteTree(tmp);
        } catch (IOException e) {
          log.warn("event=package.cleanup_failed folder={} error=\"{}\"", tmp.getFileName(), e.toString());
        }
      }
    }
  }

  /** Ends a job that did not publish: back to the queue on shutdown, failed with an error, else released. */
  private void ended(RedisJobQueue.Claim c, RedisJobQueue.Renewal renewal, String error) throws StoreException {
    if (renewal == RedisJobQueue.Renewal.LOST) {
      log.info("event=package.stopped id={} reason=\"taken over by another node\"", c.key());
    } else if (closing) {
      queue.requeue(c);
      log.info("event=package.stopped id={} reason=shutdown effect=requeued", c.key());
    } else if (error != null) {
      queue.fail(c, error);
    } else {
      queue.release(c);
      log.info("event=package.stopped id={} reason=cancelled", c.key());
    }
  }

  /** Renews the lease every third of it until interrupted; stops the run when the job is no longer this node's. */
  private void renew(RedisJobQueue.Claim c, Packager.Run run, AtomicReference<RedisJobQueue.Renewal> renewal) {
    Duration every = config.lease().dividedBy(3);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(every);
      } catch (InterruptedException e) {
        return;
      }
      try {
        RedisJobQueue.Renewal r = queue.renew(c, node, config.lease());
        if (r != RedisJobQueue.Renewal.HELD) {
          renewal.set(r);
          log.info("event=package.lease id={} result={}", c.key(), r);
          run.cancel();
          return;
        }
      } catch (StoreException e) {
        log.warn("event=package.lease_not_renewed id={} error=\"{}\"", c.key(), e.getMessage());
      }
    }
  }

  private void progress(RedisJobQueue.Claim c, double percent, long[] written) {
    long now = System.nanoTime();
    if (now - written[0] > PROGRESS_WRITE_NANOS) {
      written[0] = now;
      try {
        queue.progress(c, percent);
      } catch (StoreException e) {
        log.debug("event=package.progress_not_saved id={} error=\"{}\"", c.key(), e.getMessage());
      }
    }
  }

  /** Removes the temporary folders of earlier attempts at this video (a dead node's), and their ffmpeg if it runs here. */
  private void removeLeftovers(String videoId) {
    java.util.regex.Pattern names = PackageFolders.tmpNames(videoId);
    java.util.regex.Pattern inCommand = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(root + "/")
        + names.pattern() + "(/|\\s|$)");
    PackageFolders.killWriters(commandLine -> inCommand.matcher(commandLine).find());
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root,
        p -> names.matcher(p.getFileName().toString()).matches())) {
      for (Path d : dirs) {
        log.info("event=package.cleanup folder={}", d.getFileName());
        PackageFolders.deleteTree(d);
      }
    } catch (IOException e) {
      log.warn("event=package.cleanup_failed id={} error=\"{}\"", videoId, e.toString());
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops this node's workers; jobs they were running go back to the queue for another node. */
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
    for (Thread t : toJoin) {
      try {
        t.join(Duration.ofSeconds(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    toJoin.forEach(Thread::interrupt);
    queue.close();
  }
}
