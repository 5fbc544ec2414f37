package dev.kanal.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test HLS made by ffmpeg from lavfi sources (testsrc2, sine), small and fast: a source MP4, then
 * HLS with {@code -c copy}, so clear and encrypted variants hold the same TS bytes.
 */
public final class HlsMedia {

  private HlsMedia() {}

  /** Runs a command, failing with its output when it fails. */
  public static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /**
   * Encodes {@code seconds} of 160x90 video (key frame every {@code gopSeconds}) with a sine tone.
   *
   * @param source the lavfi video source, e.g. "testsrc2" or "smptebars"
   */
  public static Path source(Path file, int seconds, String source, int fps, double gopSeconds, int toneHz)
      throws IOException, InterruptedException {
    int gop = (int) Math.round(fps * gopSeconds);
    run(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", source + "=size=160x90:rate=" + fps,
        "-f", "lavfi", "-i", "sine=frequency=" + toneHz + ":sample_rate=22050",
        "-t", String.valueOf(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1",
        "-g", String.valueOf(gop), "-keyint_min", String.valueOf(gop), "-sc_threshold", "0",
        "-c:a", "aac", "-b:a", "24k", "-shortest", file.toString()));
    return file;
  }

  /** Cuts a source into HLS (TS segments {@code s000.ts...}, playlist {@code index.m3u8}) with -c copy. */
  public static Path hls(Path source, Path dir, double segmentSeconds, List<String> extra)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-i", source.toString(), "-c", "copy", "-f", "hls", "-hls_time", String.valueOf(segmentSeconds),
        "-hls_list_size", "0", "-hls_segment_filename", dir.resolve("s%03d.ts").toString()));
    cmd.addAll(extra);
    cmd.add(dir.resolve("index.m3u8").toString());
    run(cmd);
    return dir.resolve("index.m3u8");
  }

  /** The segment URIs of a simple media playlist, in order. */
  public static List<String> segmentUris(Path playlist) throws IOException {
    return Files.readAllLines(playlist).stream().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  /** The sum of the EXTINF durations of a playlist. */
  public static BigDecimal extinfSum(Path playlist) throws IOException {
    BigDecimal sum = BigDecimal.ZERO;
    for (String l : Files.readAllLines(playlist)) {
      if (l.startsWith("#EXTINF:")) {
        sum = sum.add(new BigDecimal(l.substring(8, l.indexOf(',') < 0 ? l.length() : l.indexOf(','))));
      }
    }
    return sum;
  }

  /** The concatenation of the files, in order. */
  public static byte[] concat(List<Path> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Path f : files) {
      out.write(Files.readAllBytes(f));
    }
    return out.toByteArray();
  }
}
