package dev.kanal.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tiny real videos of a chosen length, size and codec, made with ffmpeg's lavfi sources (the ffmpeg
 * on PATH) for the video API, traversal and library CLI tests; {@link TestVideos} has the fixed clips.
 */
public final class SampleVideos {

  private SampleVideos() {}

  /**
   * H.264 video plus AAC audio (if {@code audio}) in the container named by the file's extension
   * (mp4, mkv, mov...), {@code seconds} long at {@code width}x{@code height} and {@code fps}, a key
   * frame every second.
   */
  public static Path h264(Path file, double seconds, int width, int height, int fps, boolean audio) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("-f", "lavfi", "-i",
        "testsrc2=s=" + width + "x" + height + ":r=" + fps + ":d=" + seconds));
    if (audio) {
      cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:d=" + seconds, "-c:a", "aac", "-b:a", "32k"));
    }
    // A key frame every second, like real films have every few seconds: fast seeks land near their target.
    cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-g", String.valueOf(fps), "-pix_fmt", "yuv420p",
        "-shortest"));
    return ffmpeg(file, cmd);
  }

  /** VP9 video plus Opus audio in WebM. */
  public static Path vp9(Path file, double seconds, int width, int height, int fps) throws IOException {
    return ffmpeg(file, List.of("-f", "lavfi", "-i", "testsrc2=s=" + width + "x" + height + ":r=" + fps + ":d=" + seconds,
        "-f", "lavfi", "-i", "sine=frequency=660:d=" + seconds, "-c:v", "libvpx-vp9", "-deadline", "realtime",
        "-cpu-used", "8", "-b:v", "200k", "-c:a", "libopus", "-b:a", "32k", "-shortest"));
  }

  /**
   * A solid-colour H.264 MP4 whose container metadata (title and comment, written into the file's
   * bytes) carries {@code marker}: a "secret" video that must never be served.
   */
  public static Path marked(Path file, double seconds, String color, String marker) throws IOException {
    return ffmpeg(file, List.of("-f", "lavfi", "-i", "color=c=" + color + ":s=64x64:r=5:d=" + seconds,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-metadata", "title=" + marker, "-metadata", "comment=" + marker));
  }

  /** Runs ffmpeg with {@code args} writing {@code file}; fails with ffmpeg's message. */
  public static Path ffmpeg(Path file, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-y"));
    cmd.addAll(args);
    cmd.add(file.toString());
    Files.createDirectories(file.toAbsolutePath().getParent());
    return run(cmd, file);
  }

  /** The "WIDTHxHEIGHT" of the first video stream of {@code file} (a video or a JPEG), read with ffprobe. */
  public static String dimensions(Path file) throws IOException {
    Path out = Files.createTempFile("kanal-dimensions-", ".txt");
    try {
      run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
          "-of", "csv=p=0:s=x", "-o", out.toString(), file.toString()), file);
      return Files.readString(out).strip();
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static Path run(List<String> cmd, Path file) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(cmd.getFirst() + " failed for " + file.getFileName() + ": "
            + new String(output, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + cmd.getFirst(), e);
    }
    return file;
  }
}
