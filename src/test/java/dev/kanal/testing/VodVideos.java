package dev.kanal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Videos for the VOD HLS tests, made once per test JVM with the ffmpeg on PATH from lavfi sources
 * and removed when the JVM exits. The ten-minute 1080p sources are cheap: ten seconds are encoded
 * (key frame every 2 s) and looped to ten minutes with {@code -c copy}.
 */
public final class VodVideos {

  private static Path dir;

  private VodVideos() {}

  /** Ten minutes of 1080p25 H.264 (8-bit, ultrafast, key frames every 2 s) and AAC in MP4: remuxed for HLS. */
  public static synchronized Path longH264() {
    return loop("long-h264.mp4", base("base-h264.mp4", "1920x1080", 25, 10,
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-b:v", "2500k", "-c:a", "aac", "-b:a", "96k"));
  }

  /** Ten minutes of 1080p25 MPEG-2 video (key frames every 2 s) and AAC in Matroska: video transcoded, audio copied. */
  public static synchronized Path longMpeg2() {
    return loop("long-mpeg2.mkv", base("base-mpeg2.mkv", "1920x1080", 25, 10,
        "-c:v", "mpeg2video", "-g", "50", "-b:v", "2500k", "-maxrate", "4000k", "-bufsize", "4000k", "-c:a", "aac", "-b:a", "96k"));
  }

  /** Eight seconds of 1080p10 HEVC (Main, key frame every second) and AAC in Matroska: remuxed. */
  public static synchronized Path hevcMkv() {
    return base("hevc.mkv", "1920x1080", 10, 8, "-c:v", "libx265", "-preset", "ultrafast", "-x265-params",
        "log-level=error:keyint=10:min-keyint=10:scenecut=0", "-c:a", "aac", "-b:a", "96k");
  }

  /** Twelve seconds of 640x360 H.264 High 10 (10-bit, which browsers cannot decode) and AAC in MP4: transcoded. */
  public static synchronized Path tenBit() {
    return base("ten-bit.mp4", "640x360", 25, 12, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le",
        "-profile:v", "high10", "-g", "50", "-c:a", "aac", "-b:a", "96k");
  }

  /** Twelve seconds of 640x360 H.264 with B-frames (veryfast) and AAC in MP4: remuxed (negative decode times at 0). */
  public static synchronized Path bFrames() {
    return base("b-frames.mp4", "640x360", 25, 12, "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "50",
        "-c:a", "aac", "-b:a", "96k");
  }

  /**
   * Twelve seconds of 640x360 H.264 in Matroska with two AAC tracks: stereo English first, mono French
   * second and marked default (the one on-demand HLS must carry).
   */
  public static synchronized Path twoAudio() {
    try {
      Path out = dir().resolve("two-audio.mkv");
      if (!Files.isRegularFile(out)) {
        run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=12",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=12",
            "-f", "lavfi", "-i", "sine=frequency=880:duration=12",
            "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50",
            "-c:a", "aac", "-b:a", "96k", "-ac:a:0", "2", "-ac:a:1", "1",
            "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra",
            "-disposition:a:0", "0", "-disposition:a:1", "default", "-shortest", "-y", tmp(out).toString()), out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path base(String name, String size, int fps, int seconds, String... codec) {
    try {
      Path out = dir().resolve(name);
      if (Files.isRegularFile(out)) {
        return out;
      }
      List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
          "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + fps + ":duration=" + seconds,
          "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds));
      cmd.addAll(List.of(codec));
      cmd.addAll(List.of("-shortest", "-y", tmp(out).toString()));
      run(cmd, out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path loop(String name, Path base) {
    try {
      Path out = dir().resolve(name);
      if (!Files.isRegularFile(out)) {
        run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-stream_loop", "59", "-i", base.toString(),
            "-map", "0", "-c", "copy", "-y", tmp(out).toString()), out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tmp(Path out) {
    String name = out.getFileName().toString();
    return out.resolveSibling("tmp-" + name);
  }

  private static void run(List<String> cmd, Path out) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes());
    try {
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("ffmpeg failed to make " + out.getFileName() + ": " + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Files.move(tmp(out), out);
  }

  private static Path dir() throws IOException {
    if (dir == null) {
      dir = Files.createTempDirectory("kanal-vod-videos-");
      Path d = dir;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try (Stream<Path> walk = Files.walk(d)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          // best effort
        }
      }));
    }
    return dir;
  }

  /** Copies (hard-links when possible) {@code video} into {@code folder} under {@code name}. */
  public static Path place(Path video, Path folder, String name) throws IOException {
    Files.createDirectories(folder);
    Path target = folder.resolve(name);
    try {
      Files.createLink(target, video);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(video, target);
    }
    return target;
  }
}
