package dev.kanal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.playlist.Playlist;
import dev.kanal.playlist.PlaylistValidator;
import dev.kanal.playlist.Playlists;
import dev.kanal.playlist.ValidationIssue;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Checks a published HLS package independently of the code that made it: every playlist passes the
 * validator in strict mode (Apple warnings only where docs/API.md justifies them), ffmpeg decodes
 * every rendition end to end without a message, the multivariant attributes equal what ffprobe and
 * the segment files say, and the renditions are cut at the same instants, each segment starting with
 * a key frame.
 */
public final class PackageCheck {

  /** Apple recommendations a package does not follow, each justified in docs/API.md. */
  public static final Set<String> JUSTIFIED_WARNINGS = Set.of("APPLE-IFRAME-PLAYLISTS");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the check found.
   *
   * @param master the multivariant playlist
   * @param names the rendition folders in master order
   * @param media the media playlists in master order
   */
  public record Result(MasterPlaylist master, List<String> names, List<MediaPlaylist> media) {}

  private PackageCheck() {}

  /** Runs every check on the package in {@code dir}; fails the test on the first difference. */
  public static Result check(Path dir) throws Exception {
    MasterPlaylist master = (MasterPlaylist) parseStrict(dir.resolve("master.m3u8"));
    assertThat(master.header().independentSegments()).as("EXT-X-INDEPENDENT-SEGMENTS").isTrue();
    assertThat(master.variants()).isNotEmpty();
    List<String> names = new ArrayList<>();
    List<MediaPlaylist> media = new ArrayList<>();
    for (MasterPlaylist.Variant v : master.variants()) {
      String uri = v.uri();
      Path playlist = dir.resolve(uri);
      MediaPlaylist mp = (MediaPlaylist) parseStrict(playlist);
      names.add(uri.substring(0, uri.indexOf('/')));
      media.add(mp);
      Path rdir = playlist.getParent();
      // ffmpeg decodes the whole rendition without a single message at level "error".
      Run decode = run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", playlist.toString(), "-f", "null", "-"));
      assertThat(decode.exit).as("decoding " + uri).isZero();
      assertThat(decode.output.strip()).as("decoder errors in " + uri).isEmpty();
      // RESOLUTION, FRAME-RATE and CODECS equal ffprobe's view of the rendition.
      JsonNode streams = probe(playlist);
      JsonNode video = null;
      JsonNode audio = null;
      for (JsonNode s : streams) {
        if (s.path("codec_type").asText().equals("video") && video == null) {
          video = s;
        } else if (s.path("codec_type").asText().equals("audio") && audio == null) {
          audio = s;
        }
      }
      assertThat(video).as("video stream of " + uri).isNotNull();
      assertThat(v.stream().resolution().orElseThrow().toString())
          .isEqualTo(video.path("width").asInt() + "x" + video.path("height").asInt());
      double fps = fraction(video.path("avg_frame_rate").asText());
      assertThat(v.frameRate().orElseThrow().doubleValue()).isCloseTo(fps, org.assertj.core.data.Offset.offset(0.001));
      String expectedVideo = String.format(Locale.ROOT, "avc1.%02x", profileIdc(video.path("profile").asText()));
      String codecs = v.stream().codecs().orElseThrow();
      String[] parts = codecs.split(",");
      assertThat(parts[0]).startsWith(expectedVideo)
          .endsWith(String.format(Locale.ROOT, "%02x", video.path("level").asInt()));
      if (audio != null) {
        assertThat(parts).hasSize(2);
        assertThat(parts[1]).isEqualTo("mp4a.40.2");
      } else {
        assertThat(parts).hasSize(1);
      }
      // BANDWIDTH is the peak segment bit rate, AVERAGE-BANDWIDTH the whole rendition's.
      long peak = 0;
      long bytes = 0;
      BigDecimal seconds = BigDecimal.ZERO;
      for (MediaPlaylist.Segment s : mp.segments()) {
        long size = Files.size(rdir.resolve(s.uri()));
        bytes += size;
        seconds = seconds.add(s.durationSeconds());
        peak = Math.max(peak, (long) Math.ceil(size * 8 / s.durationSeconds().doubleValue()));
      }
      assertThat(v.stream().bandwidth().orElseThrow()).isEqualTo(peak);
      assertThat(v.stream().averageBandwidth().orElseThrow()).isEqualTo((long) Math.ceil(bytes * 8 / seconds.doubleValue()));
      assertThat(peak).isGreaterThanOrEqualTo(v.stream().averageBandwidth().orElseThrow());
      // Every segment starts with a key frame.
      for (MediaPlaylist.Segment s : mp.segments()) {
        assertThat(firstVideoPacketIsKey(rdir, mp, s)).as("key frame at the start of " + uri + " " + s.uri()).isTrue();
      }
    }
    // Aligned: every rendition is cut at the same instants.
    for (MediaPlaylist mp : media) {
      assertThat(mp.segments().stream().map(MediaPlaylist.Segment::durationSeconds).toList())
          .isEqualTo(media.getFirst().segments().stream().map(MediaPlaylist.Segment::durationSeconds).toList());
    }
    return new Result(master, names, media);
  }

  /** Parses strictly and validates: no errors, and no warnings but the justified ones. */
  public static Playlist parseStrict(Path file) throws Exception {
    Playlist p = Playlists.parse(Files.readString(file), ParseOptions.DEFAULTS.withStrict(true));
    List<ValidationIssue> issues = PlaylistValidator.validate(p);
    assertThat(issues).as("validation of " + file.getFileName())
        .allMatch(i -> i.severity() == ValidationIssue.Severity.WARNING && JUSTIFIED_WARNINGS.contains(i.code()));
    return p;
  }

  private static boolean firstVideoPacketIsKey(Path dir, MediaPlaylist mp, MediaPlaylist.Segment s) throws Exception {
    String input = s.map().isPresent() ? "concat:" + dir.resolve(s.map().get().uri()) + "|" + dir.resolve(s.uri())
        : dir.resolve(s.uri()).toString();
    Run r = run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1",
        "-show_entries", "packet=flags", "-of", "csv=p=0", input));
    return r.exit == 0 && r.output.strip().startsWith("K");
  }

  private static JsonNode probe(Path playlist) throws Exception {
    Run r = run(List.of("ffprobe", "-v", "error", "-show_streams", "-of", "json", playlist.toString()));
    assertThat(r.exit).isZero();
    return JSON.readTree(r.output).path("streams");
  }

  /** profile_idc of ffprobe's H.264 profile names. */
  static int profileIdc(String profile) {
    return switch (profile) {
      case "Constrained Baseline", "Baseline" -> 66;
      case "Main" -> 77;
      case "High" -> 100;
      default -> throw new AssertionError("unexpected profile " + profile);
    };
  }

  static double fraction(String s) {
    int slash = s.indexOf('/');
    return slash < 0 ? Double.parseDouble(s) : Double.parseDouble(s.substring(0, slash)) / Double.parseDouble(s.substring(slash + 1));
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return new Run(p.exitValue(), out);
  }
}
