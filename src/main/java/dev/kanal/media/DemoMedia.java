package dev.kanal.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates the demo's content with ffmpeg's lavfi sources, without any network: a short video and
 * a few HLS "channels", plus an M3U channel list that points at them with relative URLs, so it works
 * whichever port the server binds.
 */
public final class DemoMedia {

  private static final Logger log = LoggerFactory.getLogger(DemoMedia.class);

  /** Bumped when the generated content changes, so old demo folders are rebuilt. */
  private static final String CONTENT_VERSION = "1";
  private static final Duration FFMPEG_TIMEOUT = Duration.ofMinutes(3);

  /**
   * A demo channel.
   *
   * @param id a short slug, also the folder name
   * @param name the display name
   * @param group the group-title
   * @param source the lavfi video source expression
   */
  public record Channel(String id, String name, String group, String source) {}

  /** The demo channels: test patterns that cost little to encode. */
  public static final List<Channel> CHANNELS = List.of(
      new Channel("bars", "Kanal Bars", "Demo", "smptehdbars=size=640x360:rate=25"),
      new Channel("testsrc", "Kanal Test Card", "Demo", "testsrc2=size=640x360:rate=25"),
      new Channel("life", "Kanal Life", "Demo", "life=size=640x360:rate=25:mold=10:ratio=0.4:death_color=#202040:life_color=#40c0ff"));

  /** The video file name inside {@code media/}. */
  public static final String VIDEO = "kanal-demo.mp4";

  private DemoMedia() {}

  /** Creates the demo content in {@code dir} unless it is already there; returns {@code dir}. */
  public static Path ensure(Ffmpeg ffmpeg, Path dir) throws MediaToolException, IOException {
    Path marker = dir.resolve(".complete");
    if (Files.isRegularFile(marker) && Files.readString(marker).strip().equals(CONTENT_VERSION)) {
      return dir;
    }
    log.info("event=demo.generate dir={}", dir);
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, ".demo-");
    try {
      generate(ffmpeg, tmp);
      Files.writeString(tmp.resolve(".complete"), CONTENT_VERSION + "\n");
      deleteTree(dir);
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      deleteTree(tmp);
    }
    return dir;
  }

  private static void generate(Ffmpeg ffmpeg, Path dir) throws MediaToolException, IOException {
    Files.createDirectories(dir.resolve("media"));
    run(ffmpeg, List.of(
        "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=20",
        "-f", "lavfi", "-i", "sine=frequency=440:beep_factor=4:duration=20",
        "-c:v", "libx264", "-preset", "superfast", "-pix_fmt", "yuv420p", "-g", "60",
        "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart",
        "-metadata", "title=Kanal demo",
        LocalInput.path(dir.resolve("media").resolve(VIDEO))));
    StringBuilder m3u = new StringBuilder("#EXTM3U\n");
    for (Channel channel : CHANNELS) {
      Path out = dir.resolve("channels").resolve(channel.id());
      Files.createDirectories(out);
      run(ffmpeg, List.of(
          "-f", "lavfi", "-i", channel.source() + ",drawtext=text='" + channel.name()
              + " %{pts\\:hms}':fontcolor=white:fontsize=28:box=1:boxcolor=black@0.5:x=20:y=20",
          "-f", "lavfi", "-i", "sine=frequency=330:duration=20",
          "-t", "20", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "50",
          "-c:a", "aac", "-b:a", "64k",
          "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
          "-hls_segment_filename", LocalInput.path(out.resolve("seg%03d.ts")),
          LocalInput.path(out.resolve("index.m3u8"))));
      m3u.append("#EXTINF:-1 tvg-id=\"").append(channel.id()).append(".demo\" tvg-name=\"")
          .append(channel.name()).append("\" group-title=\"").append(channel.group()).append("\",")
          .append(channel.name()).append('\n')
          .append("channels/").append(channel.id()).append("/index.m3u8\n");
    }
    Files.writeString(dir.resolve("channels.m3u"), m3u, StandardCharsets.UTF_8);
  }

  private static void run(Ffmpeg ffmpeg, List<String> args) throws MediaToolException {
    List<String> command = new ArrayList<>(List.of(ffmpeg.ffmpeg().toString(), "-hide_banner", "-nostdin",
        "-loglevel", "error", "-y"));
    command.addAll(args);
    ProcessResult result = Processes.run(command, FFMPEG_TIMEOUT, 16 * 1024);
    if (result.exitCode() != 0 && args.stream().anyMatch(a -> a.contains("drawtext"))) {
      // ffmpeg builds without libfreetype have no drawtext: make the channel without the caption.
      List<String> plain = new ArrayList<>();
      for (String a : command) {
        plain.add(a.contains("drawtext") ? a.substring(0, a.indexOf(",drawtext")) : a);
      }
      result = Processes.run(plain, FFMPEG_TIMEOUT, 16 * 1024);
    }
    if (result.exitCode() != 0) {
      throw new MediaToolException("ffmpeg failed to generate demo content (exit " + result.exitCode() + "): "
          + result.output().strip().lines().reduce((a, b) -> b).orElse(""));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
