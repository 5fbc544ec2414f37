package dev.kanal.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kanal.config.KanalConfig.PackagingConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packages one video into an ABR ladder with one ffmpeg process: the source is decoded once, split
 * and scaled to every encoded rung ({@code filter_complex split}), the rung the source already
 * matches is copied ({@code -c:v copy}), key frames are forced at the same instants on every encoded
 * rung (the source's key frames when a rung is copied, else a fixed grid), and the HLS muxer writes
 * one media playlist per rung. The multivariant playlist is written afterwards from measurements of
 * the produced files: {@code BANDWIDTH} is the peak segment bit rate, {@code AVERAGE-BANDWIDTH} the
 * whole rendition's, {@code CODECS} comes from the streams' own parameter sets.
 *
 * <p>Blocking, minutes to hours: run it on its own thread.
 */
final class Packager {

  private static final Logger log = LoggerFactory.getLogger(Packager.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** ffmpeg is stopped when it reports no progress for this long. */
  static final Duration STALL_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(10);
  private static final int STDERR_LINES = 20;
  /** The x264 preset of encoded rungs: fast enough for a 2-core box, ~10 % larger than "medium". */
  static final String X264_PRESET = "veryfast";
  /** Apple's HLS authoring spec asks for key frames at least every 2 seconds. */
  static final double MAX_GOP_SECONDS = 2.0;
  /** Tone mapping of HDR (PQ, HLG) sources to SDR BT.709 for H.264 rungs (zimg). */
  static final String TONEMAP = "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,"
      + "zscale=t=bt709:m=bt709:r=tv,format=yuv420p";

  /** The job was cancelled while ffmpeg ran. */
  static final class CancelledException extends Exception {
    CancelledException() {
      super("cancelled");
    }
  }

  /** A running package: lets another thread cancel it (ffmpeg gets SIGTERM, then SIGKILL). */
  static final class Run {
    private volatile boolean cancelled;
    private volatile Process process;

    void cancel() {
      cancelled = true;
      stop(process);
    }

    boolean cancelled() {
      return cancelled;
    }

    void started(Process p) throws CancelledException {
      process = p;
      if (cancelled) {
        stop(p);
        throw new CancelledException();
      }
    }

    static void stop(Process p) {
      if (p == null || !p.isAlive()) {
        return;
      }
      p.destroy();
      try {
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * What will be made.
   *
   * @param rungs the ladder, highest first
   * @param fmp4 fragmented MP4 segments (else MPEG-TS)
   * @param forceKeyFrames the {@code -force_key_frames} value of encoded rungs
   * @param tonemap whether HDR is tone-mapped to SDR
   * @param notes why a rung that could have been copied was encoded, for the log and package.json
   */
  record Plan(List<Ladder.Rung> rungs, boolean fmp4, String forceKeyFrames, boolean tonemap, List<String> notes) {
    Plan {
      rungs = List.copyOf(rungs);
      notes = List.copyOf(notes);
    }
  }

  /**
   * One produced rendition, measured.
   *
   * @param rung its rung
   * @param width its picture width (ffprobe)
   * @param height its picture height (ffprobe)
   * @param frameRate its frame rate (ffprobe, average)
   * @param codecs its RFC 6381 codec list
   * @param peakBps the highest segment bit rate (bytes x 8 / EXTINF)
   * @param averageBps the bit rate over the whole rendition
   * @param segments how many media segments
   */
  record Rendition(Ladder.Rung rung, int width, int height, double frameRate, String codecs, long peakBps,
      long averageBps, int segments) {}

  private final Path ffmpeg;
  private final Path ffprobe;
  private final PackagingConfig config;
  private final double segmentSeconds;

  Packager(Path ffmpeg, Path ffprobe, PackagingConfig config, Duration segmentDuration) {
    this.ffmpeg = ffmpeg;
    this.ffprobe = ffprobe;
    this.config = config;
    this.segmentSeconds = segmentDuration.toMillis() / 1000.0;
  }

  /** Decides the ladder, the segment format and the key frames for {@code source}. */
  Plan plan(Path source, MediaInfo info) throws MediaToolException {
    List<Ladder.Rung> rungs = new ArrayList<>(Ladder.choose(config.ladder(), info));
    MediaInfo.Stream video = info.video().orElseThrow();
    List<String> notes = new ArrayList<>();
    boolean hevcOrHdr = "hevc".equals(video.codec()) || video.hdr() != null;
    boolean fmp4 = switch (config.format().toLowerCase(Locale.ROOT)) {
      case "fmp4" -> true;
      case "ts" -> false;
      default -> hevcOrHdr;
    };
    double fps = video.frameRate() == null ? 0 : video.frameRate();
    int copied = indexOfCopied(rungs);
    String force = grid();
    if (copied >= 0) {
      double duration = info.duration() == null ? 0 : info.duration();
      Keyframes keys = Keyframes.probe(ffprobe, source, duration, PROBE_TIMEOUT);
      double longest = keys.longestSegment(segmentSeconds);
      // The copied rung is cut at the source's key frames: its segments must still round to the target.
      if (Math.round(longest) > Math.round(segmentSeconds)) {
        notes.add(String.format(Locale.ROOT, "%s encoded, not copied: the source's key frames make segments up to %.1f s",
            rungs.get(copied).name(), longest));
        rungs.set(copied, rungs.get(copied).encoded());
      } else {
        force = keys.forceList(segmentSeconds, fps);
      }
    } else {
      String blocker = Ladder.videoCopyBlocker(video);
      if (blocker != null) {
        notes.add("every rung encoded: " + blocker);
      }
    }
    return new Plan(rungs, fmp4, force, video.hdr() != null, notes);
  }

  private static int indexOfCopied(List<Ladder.Rung> rungs) {
    for (int i = 0; i < rungs.size(); i++) {
      if (rungs.get(i).copyVideo()) {
        return i;
      }
    }
    return -1;
  }

  /** Key frames every {@code segment / ceil(segment / 2)} seconds: at least every 2 s, on every segment boundary. */
  String grid() {
    double gop = segmentSeconds / Math.ceil(segmentSeconds / MAX_GOP_SECONDS - 1e-9);
    return String.format(Locale.ROOT, "expr:gte(t,n_forced*%.6f)", gop);
  }

  /** The ffmpeg command line that makes {@code plan} from {@code source} into {@code out}. */
  List<String> command(Plan plan, Path source, MediaInfo info, Path out) {
    MediaInfo.Stream video = info.video().orElseThrow();
    boolean audio = info.audio().isPresent();
    List<Ladder.Rung> rungs = plan.rungs();
    List<Integer> encoded = new ArrayList<>();
    for (int i = 0; i < rungs.size(); i++) {
      if (!rungs.get(i).copyVideo()) {
        encoded.add(i);
      }
    }
    List<String> cmd = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-nostats",
        "-loglevel", "warning", "-y"));
    cmd.addAll(LocalInput.library(source));
    if (!encoded.isEmpty()) {
      StringBuilder graph = new StringBuilder("[0:v:0]");
      if (plan.tonemap()) {
        graph.append(TONEMAP).append(',');
      }
      graph.append("format=yuv420p");
      if (encoded.size() > 1) {
        graph.append(",split=").append(encoded.size());
        for (int i : encoded) {
          graph.append("[s").append(i).append(']');
        }
      } else {
        graph.append("[s").append(encoded.getFirst()).append(']');
      }
      for (int i : encoded) {
        int[] size = Ladder.outputSize(video.width(), video.height(), rungs.get(i));
        graph.append(";[s").append(i).append("]scale=").append(size[0]).append(':').append(size[1])
            .append(":flags=bicubic,setsar=1[o").append(i).append(']');
      }
      cmd.addAll(List.of("-filter_complex", graph.toString()));
    }
    for (int i = 0; i < rungs.size(); i++) {
      cmd.addAll(List.of("-map", rungs.get(i).copyVideo() ? "0:v:0" : "[o" + i + "]"));
    }
    if (audio) {
      for (int i = 0; i < rungs.size(); i++) {
        cmd.addAll(List.of("-map", "0:a:0"));
      }
    }
    boolean copyAudio = rungs.stream().allMatch(Ladder.Rung::copyAudio);
    for (int i = 0; i < rungs.size(); i++) {
      Ladder.Rung r = rungs.get(i);
      String v = ":v:" + i;
      if (r.copyVideo()) {
        cmd.addAll(List.of("-c" + v, "copy"));
      } else {
        cmd.addAll(List.of("-c" + v, "libx264", "-preset" + v, X264_PRESET, "-profile" + v, "high",
            "-b" + v, r.videoKbps() + "k", "-maxrate" + v, Math.round(r.videoKbps() * 1.1) + "k",
            "-bufsize" + v, (r.videoKbps() * 2) + "k"));
      }
      if (audio) {
        String a = ":a:" + i;
        if (copyAudio) {
          cmd.addAll(List.of("-c" + a, "copy"));
        } else {
          cmd.addAll(List.of("-c" + a, "aac", "-b" + a, r.audioKbps() + "k", "-ac" + a, "2"));
        }
      }
    }
    if (!encoded.isEmpty()) {
      // Only forced key frames: no scene-cut or interval key frames that one rung has and another lacks.
      cmd.addAll(List.of("-force_key_frames", plan.forceKeyFrames(), "-sc_threshold", "0", "-g", "100000",
          "-forced-idr", "1"));
    }
    StringBuilder map = new StringBuilder();
    for (int i = 0; i < rungs.size(); i++) {
      map.append(i == 0 ? "" : " ").append("v:").append(i).append(audio ? ",a:" + i : "")
          .append(",name:").append(rungs.get(i).name());
    }
    String ext = plan.fmp4() ? "m4s" : "ts";
    cmd.addAll(List.of("-max_muxing_queue_size", "4096", "-f", "hls",
        "-hls_time", String.format(Locale.ROOT, "%.3f", segmentSeconds), "-hls_playlist_type", "vod",
        "-hls_flags", "independent_segments", "-hls_segment_type", plan.fmp4() ? "fmp4" : "mpegts"));
    if (plan.fmp4()) {
      cmd.addAll(List.of("-hls_fmp4_init_filename", "init.mp4"));
    }
    cmd.addAll(List.of("-var_stream_map", map.toString(),
        "-hls_segment_filename", LocalInput.path(out.resolve("%v").resolve("seg_%05d." + ext)),
        "-progress", "pipe:1", LocalInput.path(out.resolve("%v").resolve("index.m3u8"))));
    return cmd;
  }

  /**
   * Packages {@code source} into {@code out} (an empty folder): media playlists and segments per
   * rung, then {@code master.m3u8} and {@code package.json}. Progress goes 0..1.
   *
   * @throws CancelledException when {@code run} was cancelled
   * @throws MediaToolException when ffmpeg fails (the message ends with its last stderr lines)
   */
  List<Rendition> pack(Path source, MediaInfo info, Path out, DoubleConsumer progress, Run run)
      throws MediaToolException, CancelledException, IOException {
    long start = System.nanoTime();
    Plan plan = plan(source, info);
    List<String> cmd = command(plan, source, info, out);
    log.info("event=package.start file={} rungs={} copied={} format={} notes=\"{}\"", source.getFileName(),
        plan.rungs().stream().map(Ladder.Rung::name).toList(),
        plan.rungs().stream().filter(Ladder.Rung::copyVideo).map(Ladder.Rung::name).toList(),
        plan.fmp4() ? "fmp4" : "ts", String.join("; ", plan.notes()));
    runFfmpeg(cmd, info.duration() == null ? 0 : info.duration(), progress, run);
    List<Rendition> renditions = new ArrayList<>();
    for (Ladder.Rung r : plan.rungs()) {
      if (run.cancelled()) {
        throw new CancelledException();
      }
      renditions.add(measure(out.resolve(r.name()), r, plan.fmp4()));
    }
    Files.writeString(out.resolve("master.m3u8"), master(renditions, plan.fmp4()));
    writeManifest(out.resolve("package.json"), plan, renditions);
    log.info("event=package.done file={} seconds={}", source.getFileName(),
        String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
    return renditions;
  }

  private void runFfmpeg(List<String> cmd, double duration, DoubleConsumer progress, Run run)
      throws MediaToolException, CancelledException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new MediaToolException("cannot run " + cmd.getFirst() + ": " + e.getMessage(), e);
    }
    run.started(p);
    Deque<String> lastErr = new ArrayDeque<>();
    Thread err = Thread.ofVirtual().name("package-stderr-" + p.pid()).start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lastErr) {
            lastErr.addLast(line.length() > 500 ? line.substring(0, 500) : line);
            if (lastErr.size() > STDERR_LINES) {
              lastErr.removeFirst();
            }
          }
        }
      } catch (IOException e) {
        // ffmpeg ended
      }
    });
    long[] lastProgress = {System.nanoTime()};
    Thread out = Thread.ofVirtual().name("package-progress-" + p.pid()).start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
        String line;
        while ((line = r.readLine()) != null) {
          lastProgress[0] = System.nanoTime();
          if (line.startsWith("out_time_us=") && duration > 0) {
            try {
              long us = Long.parseLong(line.substring("out_time_us=".length()).strip());
              progress.accept(Math.max(0, Math.min(1, us / 1e6 / duration)));
            } catch (NumberFormatException e) {
              // "N/A" before the first frame
            }
          }
        }
      } catch (IOException e) {
        // ffmpeg ended
      }
    });
    try {
      while (!p.waitFor(1, TimeUnit.SECONDS)) {
        if (System.nanoTime() - lastProgress[0] > STALL_TIMEOUT.toNanos()) {
          Run.stop(p);
          throw new MediaToolException("ffmpeg made no progress for " + STALL_TIMEOUT.toMinutes() + " minutes"
              + tail(lastErr));
        }
      }
      out.join(Duration.ofSeconds(5));
      err.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Run.stop(p);
      Thread.currentThread().interrupt();
      throw new CancelledException();
    }
    if (run.cancelled()) {
      throw new CancelledException();
    }
    if (p.exitValue() != 0) {
      throw new MediaToolException("ffmpeg failed with exit code " + p.exitValue() + tail(lastErr));
    }
  }

  private static String tail(Deque<String> lines) {
    synchronized (lines) {
      return lines.isEmpty() ? "" : ":\n" + String.join("\n", lines);
    }
  }

  /** Measures one produced rendition: segment bit rates from sizes and EXTINF, the rest from ffprobe. */
  Rendition measure(Path dir, Ladder.Rung rung, boolean fmp4) throws MediaToolException, IOException {
    List<String> lines = Files.readAllLines(dir.resolve("index.m3u8"));
    double total = 0;
    long bytes = 0;
    long peak = 0;
    int segments = 0;
    String init = null;
    String first = null;
    double extinf = -1;
    for (String line : lines) {
      if (line.startsWith("#EXTINF:")) {
        String v = line.substring("#EXTINF:".length());
        int comma = v.indexOf(',');
        extinf = Double.parseDouble(comma < 0 ? v : v.substring(0, comma));
      } else if (line.startsWith("#EXT-X-MAP:")) {
        int q = line.indexOf("URI=\"");
        init = line.substring(q + 5, line.indexOf('"', q + 5));
      } else if (!line.isBlank() && !line.startsWith("#") && extinf >= 0) {
        long size = Files.size(dir.resolve(line.strip()));
        if (first == null) {
          first = line.strip();
        }
        bytes += size;
        total += extinf;
        if (extinf > 0) {
          peak = Math.max(peak, (long) Math.ceil(size * 8 / extinf));
        }
        segments++;
        extinf = -1;
      }
    }
    if (segments == 0 || total <= 0) {
      throw new MediaToolException("ffmpeg wrote no segments for " + rung.name());
    }
    long average = (long) Math.ceil(bytes * 8 / total);
    // Kanal's own output: concat: joins the fMP4 init section and the first segment (absolute paths).
    String input = fmp4 && init != null ? "concat:" + LocalInput.path(dir.resolve(init)) + "|" + LocalInput.path(dir.resolve(first))
        : LocalInput.path(dir.resolve(first));
    ProcessOutput probe = Processes.capture(List.of(ffprobe.toString(), "-v", "error", "-protocol_whitelist", "concat,file",
        "-show_streams", "-of", "json", "-i", input), Duration.ofMinutes(1), 1 << 20, 1 << 16);
    if (probe.exitCode() != 0) {
      throw new MediaToolException("ffprobe cannot read the " + rung.name() + " rendition: " + probe.stderr().strip());
    }
    JsonNode streams = JSON.readTree(probe.stdout()).path("streams");
    JsonNode v = null;
    JsonNode a = null;
    for (JsonNode s : streams) {
      if ("video".equals(s.path("codec_type").asText()) && v == null) {
        v = s;
      } else if ("audio".equals(s.path("codec_type").asText()) && a == null) {
        a = s;
      }
    }
    if (v == null) {
      throw new MediaToolException("the " + rung.name() + " rendition has no video stream");
    }
    CodecStrings.Avc avc = traceSps(input);
    if (avc == null) {
      avc = CodecStrings.fromProbe(v.path("profile").asText(), v.path("level").asInt());
    }
    String codecs = avc.codecs() + (a == null ? "" : "," + CodecStrings.aac(a.path("profile").asText(null)));
    return new Rendition(rung, v.path("width").asInt(), v.path("height").asInt(), rate(v.path("avg_frame_rate").asText(),
        v.path("r_frame_rate").asText()), codecs, peak, average, segments);
  }

  /** The first SPS of {@code input}'s video, read by ffmpeg's trace_headers filter without decoding. */
  private CodecStrings.Avc traceSps(String input) throws MediaToolException {
    ProcessResult r = Processes.run(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-loglevel", "info",
        "-protocol_whitelist", "concat,file", "-i", input, "-map", "0:v:0", "-c", "copy", "-bsf:v", "trace_headers", "-frames:v", "1", "-f", "null", "-"),
        Duration.ofMinutes(1), 4 << 20);
    return r.exitCode() == 0 ? CodecStrings.fromTrace(r.output()) : null;
  }

  private static double rate(String avg, String real) {
    for (String s : new String[] {avg, real}) {
      int slash = s.indexOf('/');
      try {
        double v = slash < 0 ? Double.parseDouble(s)
            : Double.parseDouble(s.substring(0, slash)) / Double.parseDouble(s.substring(slash + 1));
        if (Double.isFinite(v) && v > 0) {
          return v;
        }
      } catch (NumberFormatException e) {
        // try the next
      }
    }
    return 0;
  }

  /** The multivariant playlist: highest rendition first, every attribute measured. */
  static String master(List<Rendition> renditions, boolean fmp4) {
    StringBuilder m = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:").append(fmp4 ? 7 : 3)
        .append("\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    for (Rendition r : renditions) {
      m.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(r.peakBps())
          .append(",AVERAGE-BANDWIDTH=").append(r.averageBps())
          .append(",CODECS=\"").append(r.codecs()).append('"')
          .append(",RESOLUTION=").append(r.width()).append('x').append(r.height())
          .append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", r.frameRate()))
          .append('\n').append(r.rung().name()).append("/index.m3u8\n");
    }
    return m.toString();
  }

  private static void writeManifest(Path file, Plan plan, List<Rendition> renditions) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", plan.fmp4() ? "fmp4" : "ts");
    ArrayNode notes = root.putArray("notes");
    plan.notes().forEach(notes::add);
    ArrayNode list = root.putArray("renditions");
    for (Rendition r : renditions) {
      list.addObject().put("name", r.rung().name()).put("width", r.width()).put("height", r.height())
          .put("frameRate", r.frameRate()).put("codecs", r.codecs()).put("bandwidth", r.peakBps())
          .put("averageBandwidth", r.averageBps()).put("segments", r.segments())
          .put("videoCopied", r.rung().copyVideo()).put("audioCopied", r.rung().copyAudio());
    }
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
  }
}
