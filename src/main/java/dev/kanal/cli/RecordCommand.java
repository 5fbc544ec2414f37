package dev.kanal.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kanal.config.ByteSize;
import dev.kanal.config.ConfigLoader;
import dev.kanal.config.Durations;
import dev.kanal.config.KanalConfig;
import dev.kanal.hls.HlsException;
import dev.kanal.hls.HlsRecorder;
import dev.kanal.hls.Quality;
import dev.kanal.hls.RecordEvent;
import dev.kanal.hls.RecordListener;
import dev.kanal.hls.RecordOptions;
import dev.kanal.hls.RecordSummary;
import dev.kanal.hls.RecordTarget;
import dev.kanal.media.Ffmpeg;
import dev.kanal.media.FfmpegLocator;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kanal record}: an HLS stream to TS, MP4, MKV, standard output or an RTMP server. */
@Command(name = "record", mixinStandardHelpOptions = true,
    description = {"Record an HLS stream to TS/MP4/MKV, to stdout, or restream it.",
        "Segments download concurrently; AES-128 is decrypted; live streams are followed until Ctrl-C,",
        "--duration or their end. Exit code: 0 recorded (gaps are listed), 1 failed or unknown channel, 2 bad usage."})
final class RecordCommand implements Callable<Integer> {


  @Spec
  CommandSpec spec;

  @Mixin
  CatalogOptions catalogOptions = new CatalogOptions();

  @Parameters(index = "0", paramLabel = "URL|CHANNEL",
      description = "An http(s) URL of an HLS playlist, or a channel name or id of the catalog (--playlist or iptv.sources).")
  String input;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE|-|rtmp://...",
      description = "Output file (format from the extension), - for TS on stdout, or an rtmp:// URL.")
  String output;

  @Option(names = "--format", paramLabel = "ts|mp4|mkv|flv", description = "Output format (default: from the extension).")
  String format;

  @Option(names = "--quality", paramLabel = "Q", defaultValue = "best",
      description = "best, worst, 720p, 720p60 or a bitrate like 3000k (default: ${DEFAULT-VALUE}).")
  String quality;

  @Option(names = "--threads", paramLabel = "N",
      description = "Segments downloaded at once, always N (default: 16 at first, up to 32 while more at once"
          + " downloads faster, fewer when the server struggles).")
  Integer threads;

  @Option(names = "--duration", paramLabel = "TIME", description = "Stop after this much media, e.g. 10m.")
  String duration;

  @Option(names = "--live-edge", paramLabel = "N", defaultValue = "3",
      description = "Start a live stream this many segments from the end (default: ${DEFAULT-VALUE}).")
  int liveEdge;

  @Option(names = "--from-start", description = "Start a live stream at the first segment its playlist lists.")
  boolean fromStart;

  @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'", description = "A request header (repeatable).")
  List<String> headers;

  @Option(names = "--user-agent", paramLabel = "UA", description = "The User-Agent header.")
  String userAgent;

  @Option(names = "--referer", paramLabel = "URL", description = "The Referer header.")
  String referer;

  @Option(names = "--throttle", paramLabel = "TIME", defaultValue = "0s",
      description = "Minimum interval between requests to one host, e.g. 200ms (default: none).")
  String throttle;

  @Option(names = "--attempts", paramLabel = "N", defaultValue = "3",
      description = "Tries per segment, with exponential backoff (default: ${DEFAULT-VALUE}).")
  int attempts;

  @Option(names = "--playlist-error-window", paramLabel = "TIME", defaultValue = "120s",
      description = "How long a live playlist may fail before recording stops (default: ${DEFAULT-VALUE}).")
  String playlistErrorWindow;

  @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "30s",
      description = "Deadline for one request, body included (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--memory-budget", paramLabel = "SIZE", defaultValue = "256MB",
      description = "Downloaded segments held out of order at most (default: ${DEFAULT-VALUE}).")
  String memoryBudget;

  @Option(names = "--split-on-discontinuity", description = "Write numbered parts (NAME-001.EXT ...) at discontinuities.")
  boolean split;

  @Option(names = "--no-audio", description = "Do not fetch an alternative audio rendition (EXT-X-MEDIA).")
  boolean noAudio;

  @Option(names = "--json", description = "Print progress as JSON lines (to stderr when the output is stdout).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    StreamInput.Stream stream = StreamInput.resolve(input, StreamInput.headers(headers, userAgent, referer), spec,
        catalogOptions);
    URI url = stream.url();
    Map<String, String> allHeaders = stream.headers();
    RecordOptions options = options(allHeaders);
    RecordTarget target = target();
    boolean toStdout = output.equals("-");
    PrintWriter out = toStdout ? new PrintWriter(System.err, true) : Output.of(spec);
    HlsRecorder recorder = HlsRecorder.create(options);
    Progress progress = new Progress(out, json, !json && Terminal.isInteractive());
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      recorder.stop();
      try {
        done.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "kanal-record-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    long start = System.nanoTime();
    try {
      RecordSummary summary = recorder.record(url, target, progress);
      progress.clearLine();
      if (!json) {
        printSummary(out, summary, Duration.ofNanos(System.nanoTime() - start));
      }
      return summary.segments() == 0 && !summary.gaps().isEmpty() ? 1 : 0;
    } catch (HlsException e) {
      progress.clearLine();
      if (!json && progress.summary != null) {
        printSummary(out, progress.summary, Duration.ofNanos(System.nanoTime() - start));
      }
      throw new CommandException(e.getMessage(), 1, e);
    } finally {
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Shutting down already: the hook is running.
      }
    }
  }

  private RecordOptions options(Map<String, String> allHeaders) throws CommandException {
    if (!Quality.isValid(quality)) {
      throw usage("--quality " + quality + ": use best, worst, a height like 720p or 720p60, or a bitrate like 3000k");
    }
    RecordOptions.Builder b = RecordOptions.builder().quality(quality).fromStart(fromStart).includeAudio(!noAudio);
    allHeaders.forEach(b::header);
    try {
      if (threads != null) {
        b.threads(threads);
      }
      b.liveEdge(liveEdge).attempts(attempts)
          .throttle(Durations.parse(throttle))
          .playlistErrorWindow(Durations.parse(playlistErrorWindow))
          .requestTimeout(Durations.parse(timeout))
          .memoryBudget(ByteSize.parse(memoryBudget).bytes());
      if (duration != null) {
        b.maxDuration(Durations.parse(duration));
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private RecordTarget target() throws Exception {
    Optional<RecordTarget.Format> named = Optional.empty();
    if (format != null) {
      named = RecordTarget.Format.of(format);
      if (named.isEmpty()) {
        throw usage("--format " + format + ": use ts, mp4, mkv or flv");
      }
    }
    String lower = output.toLowerCase(Locale.ROOT);
    if (output.equals("-")) {
      if (named.isPresent() && named.get() != RecordTarget.Format.TS) {
        throw usage("-o - writes TS; use a file name for " + format);
      }
      OutputStream stdout = new FileOutputStream(FileDescriptor.out);
      return RecordTarget.stream(stdout);
    }
    if (lower.startsWith("rtmp://") || lower.startsWith("rtmps://") || lower.startsWith("srt://")) {
      return RecordTarget.restream(output, ffmpeg());
    }
    Path file = Path.of(output);
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    Optional<RecordTarget.Format> fromName = dot > 0 ? RecordTarget.Format.of(name.substring(dot + 1)) : Optional.empty();
    RecordTarget.Format f = named.or(() -> fromName).orElseThrow(() -> usage("cannot tell the format of '" + output
        + "' from its extension: use .ts, .mp4, .mkv or .flv, or --format"));
    Optional<Ffmpeg> ff = f.needsFfmpeg() ? Optional.of(ffmpeg()) : Optional.empty();
    return RecordTarget.file(file, f, ff).withSplitOnDiscontinuity(split);
  }

  private static Ffmpeg ffmpeg() throws Exception {
    Map<String, String> env = System.getenv();
    KanalConfig config = ConfigLoader.load(ConfigLoader.defaultFile(Path.of(""), env), env, List.of());
    return FfmpegLocator.locate(config.ffmpeg(), config.storage().dataDir(), env.get("PATH"));
  }

  private static CommandException usage(String message) {
    return new CommandException(message, KanalCli.EXIT_USAGE, null);
  }

  private static void printSummary(PrintWriter out, RecordSummary s, Duration took) {
    String where = s.outputs().isEmpty() ? "" : " to " + String.join(", ", s.outputs().stream().map(Path::toString).toList());
    out.printf(Locale.ROOT, "Recorded %d segments (%s of media, %s)%s in %.1f s%s%n", s.segments(),
        clock(s.recordedSeconds()), bytes(s.bytes()), where, took.toMillis() / 1000.0,
        s.stopReason().map(r -> " (" + r + ")").orElse(""));
    if (s.gaps().isEmpty()) {
      out.println("Gaps: none");
    } else {
      out.printf(Locale.ROOT, "Gaps: %d, %s s missing%n", s.gaps().size(), s.gapSeconds().stripTrailingZeros().toPlainString());
      for (RecordSummary.Gap g : s.gaps()) {
        out.printf(Locale.ROOT, "  %s segment %d%s: %s s missing (%s)%n", g.track(), g.mediaSequence(),
            g.count() > 1 ? " and " + (g.count() - 1) + " more" : "", g.durationSeconds().stripTrailingZeros().toPlainString(),
            g.reason());
      }
    }
    if (!s.discontinuities().isEmpty()) {
      out.printf(Locale.ROOT, "Discontinuities: %d%n", s.discontinuities().size());
      for (RecordSummary.Discontinuity d : s.discontinuities()) {
        out.printf(Locale.ROOT, "  %s before segment %d at byte %d (%s)%n", d.track(), d.mediaSequence(), d.byteOffset(),
            d.reason());
      }
    }
    out.flush();
  }

  static String clock(BigDecimal seconds) {
    long s = seconds.setScale(0, RoundingMode.HALF_UP).longValue();
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }

  static String bytes(long n) {
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KB", n / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
  }

  /** Renders events: JSON lines, a progress line on a terminal, or nothing until the summary. */
  static final class Progress implements RecordListener {
    private final PrintWriter out;
    private final boolean json;
    private final boolean tty;
    private final long start = System.nanoTime();
    private long total = -1;
    private long lastDraw;
    private boolean drawn;
    volatile RecordSummary summary;

    Progress(PrintWriter out, boolean json, boolean tty) {
      this.out = out;
      this.json = json;
      this.tty = tty;
    }

    @Override
    public synchronized void on(RecordEvent event) {
      if (event instanceof RecordEvent.Finished f) {
        summary = f.summary();
      }
      if (json) {
        out.println(toJson(event));
        out.flush();
        return;
      }
      switch (event) {
        case RecordEvent.Started s -> {
          total = s.totalSegments().orElse(-1);
          if (tty) {
            out.printf("Recording %s (%s, %s)%n", s.variant(), s.quality(), s.live() ? "live" : "VOD");
          }
        }
        case RecordEvent.Segment s when tty && s.track().equals("video") -> draw(s);
        case RecordEvent.PlaylistError e -> {
          clearLine();
          out.printf(Locale.ROOT, "kanal: playlist reload failed for %d s, still trying: %s%n",
              e.failingFor().toSeconds(), e.message());
        }
        case RecordEvent.GapFound g when tty -> {
          clearLine();
          out.printf(Locale.ROOT, "gap: %s segment %d (%s s): %s%n", g.gap().track(), g.gap().mediaSequence(),
              g.gap().durationSeconds().toPlainString(), g.gap().reason());
        }
        default -> { }
      }
      out.flush();
    }

    private void draw(RecordEvent.Segment s) {
      long now = System.nanoTime();
      if (now - lastDraw < 200_000_000L && s.segments() != total) {
        return;
      }
      lastDraw = now;
      double secs = Math.max(0.001, (now - start) / 1e9);
      double speed = s.totalBytes() / secs;
      String tail;
      if (total > 0) {
        double eta = (total - s.segments()) * (secs / s.segments());
        tail = String.format(Locale.ROOT, "%d/%d segments  ETA %ds", s.segments(), total, Math.round(eta));
      } else {
        tail = String.format(Locale.ROOT, "%d segments  %s recorded", s.segments(), clock(s.recordedSeconds()));
      }
      out.printf(Locale.ROOT, "\r%s  %s  %s/s   ", tail, bytes(s.totalBytes()), bytes((long) speed));
      drawn = true;
    }

    synchronized void clearLine() {
      if (drawn) {
        out.print("\r\033[K");
        out.flush();
        drawn = false;
      }
    }

    static String toJson(RecordEvent event) {
      // No ObjectMapper: building one costs a third of a second, and record must start fast.
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      switch (event) {
        case RecordEvent.Started s -> n.put("event", "started").put("variant", s.variant()).put("quality", s.quality())
            .put("live", s.live()).put("audio", s.audio());
        case RecordEvent.Segment s -> n.put("event", "segment").put("track", s.track())
            .put("mediaSequence", s.mediaSequence()).put("bytes", s.bytes()).put("segments", s.segments())
            .put("totalBytes", s.totalBytes()).put("recordedSeconds", s.recordedSeconds());
        case RecordEvent.GapFound g -> gap(n.put("event", "gap"), g.gap());
        case RecordEvent.DiscontinuityFound d -> n.put("event", "discontinuity").put("track", d.discontinuity().track())
            .put("mediaSequence", d.discontinuity().mediaSequence()).put("byteOffset", d.discontinuity().byteOffset())
            .put("reason", d.discontinuity().reason());
        case RecordEvent.PlaylistError e -> n.put("event", "playlistError").put("message", e.message())
            .put("failingForSeconds", e.failingFor().toSeconds());
        case RecordEvent.Finished f -> {
          RecordSummary s = f.summary();
          n.put("event", "finished").put("variant", s.variant()).put("live", s.live()).put("segments", s.segments())
              .put("bytes", s.bytes()).put("recordedSeconds", s.recordedSeconds())
              .put("gapSeconds", s.gapSeconds());
          ArrayNode gaps = n.putArray("gaps");
          s.gaps().forEach(g -> gap(gaps.addObject(), g));
          ArrayNode discontinuities = n.putArray("discontinuities");
          s.discontinuities().forEach(d -> discontinuities.addObject().put("track", d.track())
              .put("mediaSequence", d.mediaSequence()).put("byteOffset", d.byteOffset()).put("reason", d.reason()));
          ArrayNode outputs = n.putArray("outputs");
          s.outputs().forEach(p -> outputs.add(p.toString()));
          s.stopReason().ifPresent(r -> n.put("stopReason", r));
        }
      }
      return n.toString();
    }

    private static ObjectNode gap(ObjectNode n, RecordSummary.Gap g) {
      return n.put("track", g.track()).put("mediaSequence", g.mediaSequence()).put("count", g.count())
          .put("durationSeconds", g.durationSeconds()).put("reason", g.reason());
    }
  }
}
