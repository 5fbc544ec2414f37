package dev.kanal.media;

import dev.kanal.config.KanalConfig.VodConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On-demand HLS of library files: the media playlist is fixed up front ({@link VodPlan}: key frames
 * of the source for remux, a fixed grid with forced key frames for transcode), and segment N is made
 * when it is first asked for, by an ffmpeg that starts at N ({@code -ss} before {@code -i} at the
 * segment's start, {@code -output_ts_offset} so its timestamps are playlist time) and goes on making
 * N+1, N+2... until it is {@code vod.runAhead} segments ahead of the newest request, when it is
 * stopped. A request behind or far ahead of a running job starts a new one there. Finished segments
 * go to a {@link SegmentCache} bounded by {@code vod.cacheSize}; every later request is a file.
 *
 * <p>Blocking: call {@link #stream} and {@link #segment} on virtual threads. Thread-safe.
 */
public final class OnDemandHls implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OnDemandHls.class);

  /** ffmpeg jobs at once over all videos; a new one beyond stops the least recently asked. */
  static final int MAX_JOBS = 4;
  /** Jobs at once for one stream (two viewers at different places). */
  static final int MAX_JOBS_PER_STREAM = 2;
  /** How long a request waits for its segment. */
  static final Duration SEGMENT_TIMEOUT = Duration.ofSeconds(60);
  /** How long ffprobe may take to list a file's key frames. */
  static final Duration INDEX_TIMEOUT = Duration.ofSeconds(120);
  /** Segments one job covers at most (bounds the {@code -segment_times} argument). */
  static final int MAX_JOB_SEGMENTS = 1500;
  private static final int STDERR_TAIL = 2048;

  /**
   * One library file as the on-demand path needs it.
   *
   * @param id the video id
   * @param file the file (already checked to be inside a library folder)
   * @param size its size in bytes (part of the cache key)
   * @param modified its modification time (part of the cache key)
   * @param info what ffprobe found
   * @param decision remux or transcode, and of which streams
   */
  public record Source(String id, Path file, long size, Instant modified, MediaInfo info, PlaybackDecision decision) {}

  /**
   * One on-demand rendition with its segment plan.
   *
   * @param source the file
   * @param signature identifies this rendition of this file version ({@code od-<signature>} in URLs)
   * @param plan the segments
   */
  public record Stream(Source source, String signature, VodPlan plan) {
    String key() {
      return source.id() + "-" + signature;
    }
  }

  private final Path ffmpeg;
  private final Path ffprobe;
  private final Path indexDir;
  private final VodConfig config;
  private final SegmentCache cache;
  private final long segmentMicros;
  /** Plans by stream key: small, immutable, bounded. */
  private final Map<String, Stream> plans = java.util.Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Stream> eldest) {
      return size() > 512;
    }
  });
  private final List<Job> jobs = new ArrayList<>();
  private final Map<String, CompletableFuture<KeyframeIndex>> indexing = new ConcurrentHashMap<>();
  /** Why the hardware encoder failed, once it did: later jobs go straight to libx264. */
  private final AtomicReference<String> hardwareFailure = new AtomicReference<>();
  private final AtomicInteger jobCounter = new AtomicInteger();
  private volatile boolean closed;

  /**
   * An engine keeping segments and key-frame indexes under {@code cacheDir} ({@code segments/},
   * {@code index/}); leftovers of jobs that were running when Kanal stopped are removed.
   */
  public OnDemandHls(Path ffmpeg, Path ffprobe, Path cacheDir, VodConfig config) throws IOException {
    this.ffmpeg = ffmpeg;
    this.ffprobe = ffprobe;
    this.config = config;
    this.indexDir = cacheDir.resolve("index");
    this.segmentMicros = config.segmentDuration().toNanos() / 1000;
    Files.createDirectories(indexDir);
    this.cache = new SegmentCache(cacheDir.resolve("segments"), config.cacheSize().bytes());
    cache.removeStaleJobDirs();
  }

  /** The rendition signature of a file version: cheap (no probe), so the master playlist answers at once. */
  public String signature(Source s) {
    PlaybackDecision d = s.decision();
    String text = String.join("|", s.id(), Long.toString(s.size()), Long.toString(s.modified().toEpochMilli()),
        d.copyVideo() ? "cv" : "tv", d.copyAudio() ? "ca" : "ta",
        d.video().map(v -> Integer.toString(v.index())).orElse("-"), d.audio().map(a -> Integer.toString(a.index())).orElse("-"),
        Long.toString(segmentMicros), "v1");
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the remux plan needs the key-frame index (copied video); transcode plans need none. */
  private static boolean needsIndex(Source s) {
    return s.decision().copyVideo() && s.decision().video().isPresent();
  }

  /** Starts reading the key-frame index in the background (when the master playlist is asked for). */
  public void prefetch(Source s) {
    if (needsIndex(s) && !plans.containsKey(s.id() + "-" + signature(s))) {
      Thread.ofVirtual().name("kanal-vod-index").start(() -> {
        try {
          stream(s);
        } catch (Exception e) {
          log.debug("event=vod.prefetch.failed video={} error=\"{}\"", s.id(), e.toString());
        }
      });
    }
  }

  /** The rendition and its plan (reading and caching the key-frame index for remux the first time). */
  public Stream stream(Source s) throws MediaToolException, IOException {
    String sig = signature(s);
    String key = s.id() + "-" + sig;
    Stream known = plans.get(key);
    if (known != null) {
      return known;
    }
    VodPlan plan;
    if (needsIndex(s)) {
      plan = VodPlan.keyframes(index(s, key), segmentMicros);
    } else {
      long duration = s.info().duration() == null ? 0 : Math.round(s.info().duration() * 1e6);
      if (duration <= 0) {
        throw new MediaToolException("the video has no duration, so it cannot be cut into segments");
      }
      plan = VodPlan.grid(duration, segmentMicros, 0);
    }
    Stream stream = new Stream(s, sig, plan);
    plans.put(key, stream);
    return stream;
  }

  private KeyframeIndex index(Source s, String key) throws MediaToolException, IOException {
    CompletableFuture<KeyframeIndex> mine = new CompletableFuture<>();
    CompletableFuture<KeyframeIndex> running = indexing.putIfAbsent(key, mine);
    if (running == null) {
      try {
        mine.complete(KeyframeIndex.load(ffprobe, s.file(), indexDir.resolve(key + ".txt"), INDEX_TIMEOUT));
      } catch (MediaToolException | IOException | RuntimeException e) {
        mine.completeExceptionally(e);
      } finally {
        indexing.remove(key, mine);
      }
      running = mine;
    }
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MediaToolException("interrupted while reading key frames", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof MediaToolException m) {
        throw m;
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new MediaToolException("cannot read the key frames: " + e.getCause(), e.getCause());
    }
  }

  /** The multivariant playlist: one variant, {@code od-<signature>/index.m3u8}. */
  public String masterPlaylist(Source s) {
    PlaybackDecision d = s.decision();
    String sig = signature(s);
    Stream known = plans.get(s.id() + "-" + sig);
    long[] rates = bandwidth(s, known);
    StringBuilder b = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    b.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(rates[0]).append(",AVERAGE-BANDWIDTH=").append(rates[1])
        .append(",CODECS=\"").append(String.join(",", codecs(d))).append('"');
    d.video().ifPresent(v -> {
      int[] size = outputSize(v, d.copyVideo());
      if (size[0] > 0) {
        b.append(",RESOLUTION=").append(size[0]).append('x').append(size[1]);
      }
      if (v.frameRate() != null && v.frameRate() > 0) {
        b.append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", v.frameRate()));
      }
    });
    return b.append("\nod-").append(sig).append("/index.m3u8\n").toString();
  }

  /** {peak, average} bits per second of the variant. */
  private long[] bandwidth(Source s, Stream known) {
    PlaybackDecision d = s.decision();
    long audio = d.audio().map(a -> d.copyAudio() && a.bitRate() != null ? a.bitRate() : 128_000L).orElse(0L);
    if (!d.copyVideo()) {
      long video = d.video().map(v -> maxrateKbps(outputSize(v, false)[1]) * 1000L).orElse(0L);
      long peak = Math.round((video + audio) * 1.1);
      return new long[] {peak, Math.round(peak * 0.7)};
    }
    long total = s.info().bitRate() != null ? s.info().bitRate() : 8_000_000L;
    long average = Math.round(total * 1.05); // MPEG-TS packet overhead
    long peak = Math.round(average * 1.5);
    if (known != null && indexOf(known).isPresent()) {
      // The bytes between the key frames that start and end each segment, plus the TS overhead.
      KeyframeIndex k = indexOf(known).get();
      VodPlan plan = known.plan();
      long max = 0;
      for (int i = 0; i < plan.size(); i++) {
        long from = position(k, plan.originMicros() + plan.start(i));
        long to = i + 1 < plan.size() ? position(k, plan.originMicros() + plan.end(i)) : k.fileSize();
        if (from >= 0 && to > from) {
          max = Math.max(max, Math.round((to - from) * 8 * 1.05 / (plan.duration(i) / 1e6)));
        }
      }
      if (max > 0) {
        peak = Math.max(max, average);
      }
    }
    return new long[] {peak, average};
  }

  private Optional<KeyframeIndex> indexOf(Stream stream) {
    Path file = indexDir.resolve(stream.key() + ".txt");
    if (!stream.source().decision().copyVideo() || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(KeyframeIndex.load(ffprobe, stream.source().file(), file, INDEX_TIMEOUT));
    } catch (MediaToolException | IOException e) {
      return Optional.empty();
    }
  }

  private static long position(KeyframeIndex k, long time) {
    int i = java.util.Arrays.binarySearch(k.keyframes(), time);
    return i >= 0 ? k.positions()[i] : -1;
  }

  /** RFC 6381 codec names of the variant (what the segments will hold). */
  List<String> codecs(PlaybackDecision d) {
    List<String> out = new ArrayList<>();
    d.video().ifPresent(v -> {
      if (d.copyVideo()) {
        out.add(copiedVideoCodec(v));
      } else {
        int height = outputSize(v, false)[1];
        double fps = v.frameRate() == null ? 30 : v.frameRate();
        String level = HexFormat.of().toHexDigits((byte) h264Level(height, fps)).toUpperCase(Locale.ROOT);
        // libx264's ultrafast preset writes Constrained Baseline; the hardware encoders High.
        out.add(softwareEncoder() ? "avc1.42C0" + level : "avc1.6400" + level);
      }
    });
    d.audio().ifPresent(a -> out.add(d.copyAudio() ? copiedAudioCodec(a) : "mp4a.40.2"));
    return out;
  }

  private static String copiedVideoCodec(MediaInfo.Stream v) {
    String profile = v.profile() == null ? "" : v.profile();
    int level = v.level() == null || v.level() <= 0 ? 40 : v.level();
    if (v.codec().equals("hevc")) {
      boolean main10 = profile.contains("10");
      return "hvc1." + (main10 ? "2.4" : "1.6") + ".L" + level + ".B0";
    }
    String p = switch (profile) {
      case "Constrained Baseline" -> "42C0";
      case "Baseline" -> "4200";
      case "Main" -> "4D40";
      case "Extended" -> "58A0";
      default -> "6400";
    };
    return "avc1." + p + HexFormat.of().toHexDigits((byte) level).toUpperCase(Locale.ROOT);
  }

  private static String copiedAudioCodec(MediaInfo.Stream a) {
    String profile = a.profile() == null ? "" : a.profile();
    return switch (a.codec()) {
      case "mp3" -> "mp4a.40.34";
      case "ac3" -> "ac-3";
      case "eac3" -> "ec-3";
      default -> profile.equals("HE-AACv2") ? "mp4a.40.29" : profile.equals("HE-AAC") ? "mp4a.40.5" : "mp4a.40.2";
    };
  }

  /** H.264 level_idc for a picture height and frame rate (what the encoder is told to signal). */
  static int h264Level(int height, double fps) {
    if (height <= 480) {
      return fps <= 30 ? 30 : 31;
    }
    if (height <= 720) {
      return fps <= 30 ? 31 : 32;
    }
    if (height <= 1088) {
      return fps <= 30 ? 40 : 42;
    }
    return 51;
  }

  /** Output width and height: the source's for copies; for transcodes at most 1080 lines, even sizes. */
  static int[] outputSize(MediaInfo.Stream v, boolean copy) {
    int w = v.width() == null ? 0 : v.width();
    int h = v.height() == null ? 0 : v.height();
    if (copy || w <= 0 || h <= 0) {
      return new int[] {w, h};
    }
    if (h > 1080) {
      w = (int) Math.round(w * 1080.0 / h);
      h = 1080;
    }
    return new int[] {w / 2 * 2, h / 2 * 2};
  }

  /** The peak video bit rate of a transcode by output height. */
  static int maxrateKbps(int height) {
    return height <= 480 ? 2000 : height <= 720 ? 4500 : 8000;
  }

  private boolean softwareEncoder() {
    return config.encoder().equalsIgnoreCase("software") || hardwareFailure.get() != null;
  }

  /** Why the configured hardware encoder was given up for libx264, if it was. */
  public Optional<String> encoderFallback() {
    return Optional.ofNullable(hardwareFailure.get());
  }

  /** Bytes of segments cached now. */
  public long cachedBytes() {
    return cache.totalBytes();
  }

  /** ffmpeg jobs running now. */
  public synchronized int runningJobs() {
    return (int) jobs.stream().filter(j -> !j.ended).count();
  }

  /** How many ffmpeg jobs were started so far. */
  public int jobsStarted() {
    return jobCounter.get();
  }

  /**
   * Segment {@code n} of {@code stream}: from the cache, or made now (waiting for the job that makes
   * it, starting one when none is close). Blocks up to a minute.
   *
   * @throws IllegalArgumentException when {@code n} is not a segment of the plan
   * @throws MediaToolException when ffmpeg cannot make it (the message has ffmpeg's last error, no path)
   */
  public Path segment(Stream stream, int n) throws MediaToolException, IOException {
    if (n < 0 || n >= stream.plan().size()) {
      throw new IllegalArgumentException("no segment " + n);
    }
    String key = stream.key();
    String lastError = "";
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<Path> hit = cache.get(key, n);
      if (hit.isPresent()) {
        return hit.get();
      }
      CompletableFuture<Path> waiter;
      synchronized (this) {
        if (closed) {
          throw new MediaToolException("the server is stopping");
        }
        hit = cache.get(key, n);
        if (hit.isPresent()) {
          return hit.get();
        }
        Job job = null;
        for (Job j : jobs) {
          if (!j.ended && j.stream.key().equals(key) && j.covers(n, config.runAhead())) {
            job = j;
            break;
          }
        }
        if (job == null) {
          job = startJob(stream, n);
        }
        waiter = job.want(n);
      }
      try {
        return waiter.get(SEGMENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MediaToolException("interrupted while waiting for segment " + n, e);
      } catch (TimeoutException e) {
        throw new MediaToolException("segment " + n + " was not ready within " + SEGMENT_TIMEOUT.toSeconds() + " s");
      } catch (ExecutionException e) {
        lastError = e.getCause().getMessage();
      }
    }
    throw new MediaToolException("ffmpeg could not make segment " + n + ": " + lastError);
  }

  /** Starts a job at {@code n}, making room first (caller holds the lock). */
  private Job startJob(Stream stream, int n) throws MediaToolException {
    jobs.removeIf(j -> j.ended);
    // A job of the same stream that has delivered everything asked of it is only running ahead: it yields
    // the CPU to the new request (typically the same viewer after a seek). Another viewer's next request
    // starts it again.
    for (Job j : jobs) {
      if (j.stream.key().equals(stream.key()) && j.next > j.wanted) {
        j.stop("yielding to a request elsewhere in the video");
      }
    }
    List<Job> same = jobs.stream().filter(j -> j.stream.key().equals(stream.key()) && j.stopReason == null).toList();
    if (same.size() >= MAX_JOBS_PER_STREAM) {
      oldest(same).stop("a viewer of the same video jumped elsewhere");
    }
    if (jobs.stream().filter(j -> !j.ended).count() >= MAX_JOBS) {
      oldest(jobs).stop("too many on-demand jobs");
    }
    boolean software = softwareEncoder();
    // Copied streams start one segment early and drop it: the copied audio packets around the cut then
    // fall exactly as in one continuous run (ffmpeg's seek puts audio a little before the key frame),
    // so segments from different jobs join without overlap. Costs one segment of copying (~50 ms).
    int from = stream.source().decision().copyVideo() && stream.source().decision().video().isPresent() && n > 0 ? n - 1 : n;
    int limit = Math.min(stream.plan().size(), from + MAX_JOB_SEGMENTS);
    Job job = new Job(stream, from, n, limit, software, cache.streamDir(stream.key()).resolve("job-" + jobCounter.incrementAndGet()));
    job.start(command(stream, from, limit, software, job.dir));
    jobs.add(job);
    return job;
  }

  private static Job oldest(List<Job> list) {
    return list.stream().filter(j -> !j.ended).min((a, b) -> Long.compare(a.lastWanted, b.lastWanted)).orElse(list.getFirst());
  }

  /** The ffmpeg command making segments {@code n} to {@code limit - 1} into {@code dir}. */
  List<String> command(Stream stream, int n, int limit, boolean software, Path dir) {
    Source s = stream.source();
    PlaybackDecision d = s.decision();
    VodPlan plan = stream.plan();
    List<String> c = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"));
    String encoder = software ? "software" : config.encoder().toLowerCase(Locale.ROOT);
    boolean transcodeVideo = d.video().isPresent() && !d.copyVideo();
    if (transcodeVideo && encoder.equals("vaapi")) {
      c.addAll(List.of("-vaapi_device", "/dev/dri/renderD128"));
    }
    // Input seeking: to the key frame that starts the segment (remux), or decoded up to the grid time
    // (transcode). -ss counts from the container's start time.
    long seek = plan.originMicros() + plan.start(n) - plan.sourceStartMicros();
    c.addAll(LocalInput.libraryOptions());
    c.addAll(List.of("-ss", secs(Math.max(0, seek)), "-i", LocalInput.path(s.file())));
    d.video().ifPresent(v -> c.addAll(List.of("-map", "0:" + v.index())));
    d.audio().ifPresent(a -> c.addAll(List.of("-map", "0:" + a.index())));
    c.addAll(List.of("-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn"));
    if (d.video().isPresent()) {
      if (d.copyVideo()) {
        c.addAll(List.of("-c:v", "copy"));
      } else {
        c.addAll(videoEncoder(encoder, d.video().get()));
        // Key frames exactly on the grid, counted from this job's start (t is 0 at the seek point).
        c.addAll(List.of("-force_key_frames", "expr:gte(t,n_forced*" + secs(segmentMicros) + ")"));
      }
    }
    if (d.audio().isPresent()) {
      if (d.copyAudio()) {
        c.addAll(List.of("-c:a", "copy"));
      } else {
        c.addAll(List.of("-c:a", "aac", "-b:a", "128k", "-ac", "2"));
      }
    }
    StringBuilder times = new StringBuilder();
    for (int i = n + 1; i < limit; i++) {
      times.append(times.isEmpty() ? "" : ",").append(secs(plan.start(i)));
    }
    // The segment's first frame carries its playlist time; the TS muxer adds no delay of its own and
    // keeps negative decode times (B-frames before the first key frame) instead of shifting them.
    c.addAll(List.of("-output_ts_offset", secs(plan.start(n)), "-avoid_negative_ts", "disabled",
        "-max_muxing_queue_size", "4096", "-f", "segment", "-segment_format", "mpegts",
        "-segment_format_options", "mpegts_copyts=1:avoid_negative_ts=disabled",
        "-segment_time_delta", "0.001", "-segment_start_number", Integer.toString(n),
        "-segment_list", LocalInput.path(dir.resolve("list.csv")), "-segment_list_type", "csv"));
    if (!times.isEmpty()) {
      c.addAll(List.of("-segment_times", times.toString()));
    }
    if (limit < plan.size()) {
      c.addAll(List.of("-t", secs(plan.start(limit) - plan.start(n))));
    }
    c.add(LocalInput.path(dir.resolve("%d.ts")));
    return c;
  }

  private List<String> videoEncoder(String encoder, MediaInfo.Stream v) {
    int[] size = outputSize(v, false);
    int rate = maxrateKbps(size[1]);
    String scale = "scale=" + size[0] + ":" + size[1];
    double fps = v.frameRate() == null ? 30 : v.frameRate();
    String level = Integer.toString(h264Level(size[1], fps));
    level = level.charAt(0) + "." + level.charAt(1);
    List<String> bitrate = List.of("-b:v", rate * 3 / 4 + "k", "-maxrate", rate + "k", "-bufsize", rate * 2 + "k");
    List<String> out = new ArrayList<>();
    switch (encoder) {
      case "vaapi" -> {
        out.addAll(List.of("-vf", scale + ",format=nv12,hwupload", "-c:v", "h264_vaapi", "-profile:v", "high"));
        out.addAll(bitrate);
      }
      case "nvenc" -> {
        out.addAll(List.of("-vf", scale + ",format=yuv420p", "-c:v", "h264_nvenc", "-preset", "p2", "-profile:v", "high",
            "-forced-idr", "1"));
        out.addAll(bitrate);
      }
      case "qsv" -> {
        out.addAll(List.of("-vf", scale + ",format=nv12", "-c:v", "h264_qsv", "-preset", "veryfast", "-profile:v", "high"));
        out.addAll(bitrate);
      }
      case "videotoolbox" -> {
        out.addAll(List.of("-vf", scale + ",format=yuv420p", "-c:v", "h264_videotoolbox", "-profile:v", "high"));
        out.addAll(bitrate);
      }
      default -> {
        // ultrafast: a 2-core machine makes a 6 s 1080p segment in about 2 s. Forced key frames are IDR.
        boolean sameSize = v.width() != null && v.height() != null && v.width() == size[0] && v.height() == size[1];
        if (!sameSize) {
          out.addAll(List.of("-vf", scale));
        }
        // -pix_fmt converts only when the source is not 8-bit 4:2:0 already (10-bit, 4:2:2...).
        out.addAll(List.of("-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23",
            "-maxrate", rate + "k", "-bufsize", rate * 2 + "k", "-level:v", level, "-forced-idr", "1"));
      }
    }
    return out;
  }

  private static String secs(long micros) {
    return VodPlan.seconds(micros).toPlainString();
  }

  /** Stops every job and waits briefly for them. */
  @Override
  public void close() {
    List<Job> running;
    synchronized (this) {
      closed = true;
      running = List.copyOf(jobs);
    }
    for (Job j : running) {
      j.stop("server stopping");
    }
    for (Job j : running) {
      j.awaitEnd(Duration.ofSeconds(3));
    }
  }

  /** One ffmpeg process making consecutive segments of one stream into its own folder. */
  private final class Job {
    final Stream stream;
    final int first;
    /** Segments before this one are made only to warm up, and dropped. */
    final int keepFrom;
    final int limit;
    final boolean software;
    final Path dir;
    final Map<Integer, CompletableFuture<Path>> waiters = new ConcurrentHashMap<>();
    final StringBuilder stderr = new StringBuilder();
    volatile Process process;
    volatile Thread monitor;
    /** The next segment ffmpeg will finish. */
    volatile int next;
    /** The newest segment asked of this job. */
    volatile int wanted;
    volatile long lastWanted = System.nanoTime();
    volatile boolean ended;
    volatile String stopReason;
    int produced;

    Job(Stream stream, int first, int keepFrom, int limit, boolean software, Path dir) {
      this.stream = stream;
      this.first = first;
      this.keepFrom = keepFrom;
      this.limit = limit;
      this.software = software;
      this.dir = dir;
      this.next = first;
      this.wanted = keepFrom;
    }

    /** Whether this job will reach {@code n} soon: it has not passed it and is at most run-ahead behind it. */
    boolean covers(int n, int runAhead) {
      return stopReason == null && n >= Math.max(next, keepFrom) && n < limit && n <= next + runAhead;
    }

    CompletableFuture<Path> want(int n) {
      wanted = Math.max(wanted, n);
      lastWanted = System.nanoTime();
      return waiters.computeIfAbsent(n, k -> new CompletableFuture<>());
    }

    void start(List<String> command) throws MediaToolException {
      try {
        Files.createDirectories(dir);
        process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      } catch (IOException e) {
        SegmentCache.deleteTree(dir);
        ended = true;
        throw new MediaToolException("cannot run ffmpeg: " + e.getMessage(), e);
      }
      log.debug("event=vod.job.start video={} stream={} from={} encoder={} pid={}", stream.source().id(),
          stream.signature(), first, software ? "software" : config.encoder(), process.pid());
      Thread.ofVirtual().name("kanal-vod-stderr-" + process.pid()).start(this::drainStderr);
      monitor = Thread.ofVirtual().name("kanal-vod-job-" + process.pid()).start(this::watch);
    }

    private void drainStderr() {
      byte[] buf = new byte[4096];
      try (InputStream in = process.getErrorStream()) {
        int r;
        while ((r = in.read(buf)) >= 0) {
          synchronized (stderr) {
            stderr.append(new String(buf, 0, r, StandardCharsets.UTF_8));
            if (stderr.length() > STDERR_TAIL) {
              stderr.delete(0, stderr.length() - STDERR_TAIL);
            }
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }

    /** Polls the segment list ffmpeg appends to after closing each segment, until ffmpeg exits. */
    private void watch() {
      Path list = dir.resolve("list.csv");
      int linesSeen = 0;
      try {
        while (true) {
          boolean exited = !process.isAlive();
          linesSeen = collect(list, linesSeen);
          if (exited) {
            break;
          }
          Thread.sleep(25);
        }
        process.waitFor();
      } catch (InterruptedException e) {
        process.destroyForcibly();
      } catch (IOException | RuntimeException e) {
        log.warn("event=vod.job.failed video={} error=\"{}\"", stream.source().id(), e.toString());
        process.destroyForcibly();
      }
      finish();
    }

    private int collect(Path list, int linesSeen) throws IOException {
      if (!Files.exists(list)) {
        return linesSeen;
      }
      String text = Files.readString(list, StandardCharsets.UTF_8);
      String[] lines = text.split("\n", -1);
      // The last element is "" after a complete line, or a line still being written.
      for (int i = linesSeen; i < lines.length - 1; i++) {
        String name = lines[i].split(",", 2)[0].strip();
        int k = Integer.parseInt(name.substring(0, name.length() - ".ts".length()));
        linesSeen = i + 1;
        // Under the engine's lock, like the cache check of a request, so no request can register a waiter
        // for a segment between its arrival in the cache and the hand-out of the waiters.
        Path done;
        CompletableFuture<Path> w;
        synchronized (OnDemandHls.this) {
          next = k + 1;
          // Before keepFrom: warm-up. Past the run-ahead bound: a fast remux can finish a segment or two
          // between two polls, after ffmpeg was told to stop; they are dropped so the bound holds exactly.
          if ((k < keepFrom || k > wanted + config.runAhead()) && !waiters.containsKey(k)) {
            Files.deleteIfExists(dir.resolve(name));
            continue;
          }
          done = cache.put(stream.key(), k, dir.resolve(name));
          w = waiters.remove(k);
        }
        produced++;
        if (w != null) {
          w.complete(done);
        }
        if (k >= wanted + config.runAhead() && k + 1 < limit && stopReason == null) {
          stop("run-ahead reached");
        }
      }
      return linesSeen;
    }

    private void finish() {
      int exit = process.exitValue();
      String tail;
      synchronized (stderr) {
        tail = lastLine(stderr.toString());
      }
      boolean failed = stopReason == null && exit != 0;
      if (failed && produced == 0 && !software) {
        String reason = config.encoder() + " encoder failed: " + (tail.isEmpty() ? "ffmpeg exit " + exit : tail);
        if (hardwareFailure.compareAndSet(null, reason)) {
          log.warn("event=vod.encoder.fallback encoder={} fallback=libx264 reason=\"{}\"", config.encoder(), reason);
        }
      } else if (failed) {
        log.warn("event=vod.job.failed video={} from={} exit={} error=\"{}\"", stream.source().id(), first, exit, tail);
      }
      synchronized (OnDemandHls.this) {
        ended = true;
        jobs.remove(this);
      }
      String message = failed ? (tail.isEmpty() ? "ffmpeg exit " + exit : tail) : "the job stopped before it";
      waiters.values().forEach(w -> w.completeExceptionally(new MediaToolException(message)));
      waiters.clear();
      SegmentCache.deleteTree(dir);
      log.debug("event=vod.job.end video={} from={} next={} exit={} reason={}", stream.source().id(), first, next, exit,
          stopReason == null ? "done" : stopReason);
    }

    void stop(String reason) {
      if (stopReason == null) {
        stopReason = reason;
      }
      Process p = process;
      if (p != null) {
        p.destroy();
      }
    }

    void awaitEnd(Duration timeout) {
      Thread t = monitor;
      try {
        if (t != null && !t.join(timeout)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The last non-empty line of ffmpeg's errors, with paths of the file or cache left out. */
  private String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    String last = lines.length == 0 ? "" : lines[lines.length - 1].strip();
    return last.replace(cache.streamDir("").toString(), "").replaceAll("/[^ :]*/", "");
  }
}
