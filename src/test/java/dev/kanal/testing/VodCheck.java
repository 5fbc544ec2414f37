package dev.kanal.testing;

import dev.kanal.playlist.ParseOptions;
import dev.kanal.playlist.Playlist;
import dev.kanal.playlist.PlaylistParseException;
import dev.kanal.playlist.PlaylistValidator;
import dev.kanal.playlist.Playlists;
import dev.kanal.playlist.ValidationIssue;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks for VOD HLS output: {@code kanal playlist validate --strict} in-process, and ffprobe/ffmpeg on segments. */
public final class VodCheck {

  private static final Pattern EXTINF = Pattern.compile("#EXTINF:([0-9.]+),");

  private VodCheck() {}

  /**
   * What {@code kanal playlist validate --strict} reports for {@code text} (a strict parse failure
   * comes back as one issue with code {@code parse}).
   */
  public static List<ValidationIssue> validateStrict(String text) {
    try {
      Playlist p = Playlists.parse(text, ParseOptions.DEFAULTS.withStrict(true));
      return PlaylistValidator.validate(p);
    } catch (PlaylistParseException e) {
      return List.of(new ValidationIssue(ValidationIssue.Severity.ERROR, e.line(), "parse", e.reason()));
    }
  }

  /** The EXTINF durations of a media playlist, in order. */
  public static List<BigDecimal> durations(String mediaPlaylist) {
    List<BigDecimal> out = new ArrayList<>();
    Matcher m = EXTINF.matcher(mediaPlaylist);
    while (m.find()) {
      out.add(new BigDecimal(m.group(1)));
    }
    return out;
  }

  /** The sum of the EXTINF durations before segment {@code n}. */
  public static double startOf(String mediaPlaylist, int n) {
    BigDecimal sum = BigDecimal.ZERO;
    List<BigDecimal> d = durations(mediaPlaylist);
    for (int i = 0; i < n; i++) {
      sum = sum.add(d.get(i));
    }
    return sum.doubleValue();
  }

  /** The first presentation time of each stream of a file, by codec type ({@code video}, {@code audio}). */
  public static Map<String, Double> startTimes(Path file) throws IOException, InterruptedException {
    String out = run(List.of("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,start_time", "-of", "csv=p=0",
        file.toString()));
    Map<String, Double> starts = new LinkedHashMap<>();
    for (String line : out.strip().split("\n")) {
      String[] f = line.strip().split(",");
      if (f.length >= 2 && !f[1].equals("N/A")) {
        starts.putIfAbsent(f[0], Double.parseDouble(f[1]));
      }
    }
    return starts;
  }

  /** ffprobe's description of the streams: {@code codec_type,codec_name,channels,...} lines. */
  public static String streams(Path file) throws IOException, InterruptedException {
    return run(List.of("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,channels,pix_fmt,width,height",
        "-of", "csv=p=0", file.toString()));
  }

  /** What ffmpeg reports while decoding {@code file} completely ({@code -v error}); empty when it decodes cleanly. */
  public static String decodeErrors(Path file) throws IOException, InterruptedException {
    return run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", file.toString(), "-f", "null", "-")).strip();
  }

  /**
   * Decodes every frame of an HLS rendition with ffprobe reading it over HTTP, as a player would.
   *
   * @return {@code {stderr, video frames, audio frames}}
   */
  public static Object[] probeFrames(String url) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of("ffprobe", "-v", "error", "-show_entries", "frame=media_type", "-of", "csv=p=0",
        url)).start();
    var err = new java.io.ByteArrayOutputStream();
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        p.getErrorStream().transferTo(err);
      } catch (IOException e) {
        // ended
      }
    });
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("ffprobe did not finish");
    }
    t.join();
    long video = out.lines().filter(l -> l.startsWith("video")).count();
    long audio = out.lines().filter(l -> l.startsWith("audio")).count();
    return new Object[] {err.toString().strip(), video, audio};
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(cmd.getFirst() + " did not finish");
    }
    return out;
  }
}
