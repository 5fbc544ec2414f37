package dev.kanal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real H.264/AAC sources for packaging tests, made once per test JVM with the ffmpeg on PATH
 * (lavfi testsrc2 and a sine tone, x264 ultrafast, a key frame every 2 s, as streaming sources have):
 * 1080p and 720p at 25 fps, within the default ladder's bit rates so their top rung is copied.
 */
public final class PackagingVideos {

  private static Path dir;

  private PackagingVideos() {}

  /** 12 s of 1920x1080, about 4 Mbit/s video and 128 kbit/s AAC, in MP4. */
  public static synchronized Path h264_1080p() {
    return make("src1080.mp4", 1920, 1080, 12, "4000k");
  }

  /** 12 s of 1280x720, about 2 Mbit/s video and 128 kbit/s AAC, in MP4. */
  public static synchronized Path h264_720p() {
    return make("src720.mp4", 1280, 720, 12, "2000k");
  }

  /** {@code seconds} of {@code width x height} H.264/AAC in MP4 at {@code bitrate}, made once per JVM. */
  public static synchronized Path make(String name, int width, int height, int seconds, String bitrate) {
    try {
      if (dir == null) {
        dir = Files.createTempDirectory("kanal-packaging-videos-");
        dir.toFile().deleteOnExit();
      }
      Path out = dir.resolve(name);
      if (Files.isRegularFile(out)) {
        return out;
      }
      Path partial = dir.resolve("partial-" + name);
      List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
          "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=25:duration=" + seconds,
          "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds,
          "-c:v", "libx264", "-preset", "ultrafast", "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate,
          "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
          "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-shortest", "-movflags", "+faststart", "-y", partial.toString()));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String log = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("ffmpeg failed to make " + name + ": " + log);
      }
      Files.move(partial, out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
