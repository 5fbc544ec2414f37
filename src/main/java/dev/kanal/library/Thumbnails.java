package dev.kanal.library;

import dev.kanal.media.LocalInput;
import dev.kanal.media.MediaInfo;
import dev.kanal.media.MediaToolException;
import dev.kanal.media.ProcessResult;
import dev.kanal.media.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Poster frames and thumbnail strips (a sprite of small frames plus a WebVTT file that maps time
 * ranges to its tiles, the format video.js, Plyr and Jellyfin's web player read for scrubbing
 * previews), made with ffmpeg the first time they are asked for and cached by content fingerprint,
 * so a file changed in place gets new images.
 *
 * <p>Frames are taken with fast input seeking (one short read per frame), never by decoding the
 * whole file: a 50 GB film costs the same as a short clip. At most two generations run at once;
 * concurrent requests for the same image share one.
 */
public final class Thumbnails {

  /** A thumbnail strip. */
  public record Strip(Path vtt, Path sprite) {}

  static final int POSTER_WIDTH = 480;
  static final int TILE_WIDTH = 160;
  static final int COLUMNS = 10;
  static final int MAX_TILES = 100;
  static final double MIN_INTERVAL = 5;
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final Path ffmpeg;
  private final Path cache;
  private final Semaphore slots = new Semaphore(2);
  private final ConcurrentHashMap<String, CompletableFuture<Optional<Path>>> running = new ConcurrentHashMap<>();

  /** Thumbnails made with {@code ffmpeg}, cached under {@code cache}. */
  public Thumbnails(Path ffmpeg, Path cache) {
    this.ffmpeg = ffmpeg;
    this.cache = cache;
  }

  /** The poster frame (JPEG, 480 px wide) of a video, or empty for a video without pictures. */
  public Optional<Path> poster(Video v) throws MediaToolException, IOException {
    Optional<MediaInfo.Stream> stream = pictures(v);
    if (stream.isEmpty()) {
      return Optional.empty();
    }
    Path target = dir(v).resolve("poster.jpg");
    return once(target, () -> {
      double at = v.duration() == null ? 0 : Math.min(v.duration() * 0.1, 300);
      Path tmp = temp(target);
      List<String> cmd = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-v", "error"));
      cmd.addAll(LocalInput.libraryOptions());
      cmd.addAll(List.of("-ss", seconds(at), "-noaccurate_seek", "-i", LocalInput.path(v.path())));
      cmd.addAll(List.of("-map", "0:v:0", "-frames:v", "1", "-vf", "scale=" + POSTER_WIDTH + ":-2", "-q:v", "4",
          "-f", "image2", "-y", LocalInput.path(tmp)));
      run(cmd);
      return moveIntoPlace(tmp, target);
    });
  }

  /** The thumbnail strip of a video, or empty for a video without pictures or duration. */
  public Optional<Strip> strip(Video v) throws MediaToolException, IOException {
    Optional<MediaInfo.Stream> stream = pictures(v);
    if (stream.isEmpty() || v.duration() == null) {
      return Optional.empty();
    }
    Path sprite = dir(v).resolve("thumbnails.jpg");
    Path vtt = dir(v).resolve("thumbnails.vtt");
    double duration = v.duration();
    int tiles = (int) Math.max(1, Math.min(MAX_TILES, Math.floor(duration / MIN_INTERVAL)));
    double interval = duration / tiles;
    int tileHeight = tileHeight(stream.get());
    Optional<Path> made = once(sprite, () -> {
      List<Path> rows = new ArrayList<>();
      try {
        for (int first = 0; first < tiles; first += COLUMNS) {
          int count = Math.min(COLUMNS, tiles - first);
          Path row = temp(sprite);
          rows.add(row);
          List<String> cmd = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-v", "error"));
          StringBuilder filter = new StringBuilder();
          for (int i = 0; i < count; i++) {
            double at = (first + i + 0.5) * interval;
            cmd.addAll(LocalInput.libraryOptions());
            cmd.addAll(List.of("-ss", seconds(at), "-noaccurate_seek", "-i", LocalInput.path(v.path())));
            filter.append('[').append(i).append(":v:0]scale=").append(TILE_WIDTH).append(':').append(tileHeight)
                .append(",setsar=1,setpts=PTS-STARTPTS,trim=end_frame=1[t").append(i).append("];");
          }
          for (int i = 0; i < count; i++) {
            filter.append("[t").append(i).append(']');
          }
          filter.append(count > 1 ? "hstack=inputs=" + count : "null");
          filter.append(",pad=").append(TILE_WIDTH * COLUMNS).append(':').append(tileHeight).append("[row]");
          cmd.addAll(List.of("-filter_complex", filter.toString(), "-map", "[row]", "-frames:v", "1", "-q:v", "5",
              "-f", "image2", "-y", LocalInput.path(row)));
          run(cmd);
        }
        Path tmp = temp(sprite);
        List<String> cmd = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-v", "error"));
        for (Path row : rows) {
          cmd.addAll(List.of("-protocol_whitelist", "file", "-i", LocalInput.path(row)));
        }
        cmd.addAll(List.of("-filter_complex", rows.size() > 1 ? "vstack=inputs=" + rows.size() : "null", "-frames:v", "1",
            "-q:v", "5", "-f", "image2", "-y", LocalInput.path(tmp)));
        run(cmd);
        Files.writeString(vtt, vtt(tiles, interval, duration, tileHeight), StandardCharsets.UTF_8);
        return moveIntoPlace(tmp, sprite);
      } finally {
        for (Path row : rows) {
          Files.deleteIfExists(row);
        }
      }
    });
    return made.map(s -> new Strip(vtt, s));
  }

  /** Subtitle codecs ffmpeg turns into WebVTT; picture subtitles (PGS, DVD) cannot be. */
  public static final java.util.Set<String> TEXT_SUBTITLES = java.util.Set.of("subrip", "srt", "ass", "ssa", "mov_text",
      "webvtt", "text");

  /**
   * A text subtitle stream of a video as WebVTT, for browsers' {@code <track>}; empty when the stream
   * is not a text subtitle of that video. ffmpeg reads the whole file for it (subtitles are spread
   * through it), once: the result is cached like the pictures.
   */
  public Optional<Path> subtitles(Video v, int streamIndex) throws MediaToolException, IOException {
    if (v.status() != Video.Status.OK || v.info() == null || v.info().streams().stream().noneMatch(
        st -> st.index() == streamIndex && "subtitle".equals(st.type()) && TEXT_SUBTITLES.contains(st.codec()))) {
      return Optional.empty();
    }
    Path target = dir(v).resolve("subtitles-" + streamIndex + ".vtt");
    return once(target, () -> {
      Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".vtt");
      List<String> cmd = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-v", "error"));
      cmd.addAll(LocalInput.library(v.path()));
      cmd.addAll(List.of("-map", "0:" + streamIndex, "-c:s", "webvtt", "-f", "webvtt", "-y", LocalInput.path(tmp)));
      run(cmd);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return target;
    });
  }

  /** The WebVTT that maps each interval to its tile of the sprite. */
  static String vtt(int tiles, double interval, double duration, int tileHeight) {
    StringBuilder out = new StringBuilder("WEBVTT\n");
    for (int i = 0; i < tiles; i++) {
      double start = i * interval;
      double end = i == tiles - 1 ? duration : (i + 1) * interval;
      int x = (i % COLUMNS) * TILE_WIDTH;
      int y = (i / COLUMNS) * tileHeight;
      out.append('\n').append(timestamp(start)).append(" --> ").append(timestamp(end)).append('\n')
          .append("thumbnails.jpg#xywh=").append(x).append(',').append(y).append(',').append(TILE_WIDTH).append(',')
          .append(tileHeight).append('\n');
    }
    return out.toString();
  }

  static String timestamp(double seconds) {
    long ms = Math.round(seconds * 1000);
    return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
  }

  private static int tileHeight(MediaInfo.Stream video) {
    if (video.width() == null || video.height() == null || video.width() == 0) {
      return TILE_WIDTH * 9 / 16;
    }
    int h = (int) Math.round((double) TILE_WIDTH * video.height() / video.width());
    return Math.max(2, h + (h & 1));
  }

  private static Optional<MediaInfo.Stream> pictures(Video v) {
    if (v.status() != Video.Status.OK || v.info() == null) {
      return Optional.empty();
    }
    return v.info().video();
  }

  private Path dir(Video v) throws IOException {
    Path dir = cache.resolve(v.fingerprint().substring(0, 32));
    Files.createDirectories(dir);
    return dir;
  }

  private interface Job {
    Path make() throws MediaToolException, IOException;
  }

  /** Makes {@code target} once: a cached file is returned as is; concurrent callers share one job. */
  private Optional<Path> once(Path target, Job job) throws MediaToolException, IOException {
    if (Files.isRegularFile(target)) {
      return Optional.of(target);
    }
    CompletableFuture<Optional<Path>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<Path>> theirs = running.putIfAbsent(target.toString(), mine);
    if (theirs != null) {
      return join(theirs);
    }
    try {
      slots.acquire();
      try {
        mine.complete(Optional.of(Files.isRegularFile(target) ? target : job.make()));
      } finally {
        slots.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      mine.completeExceptionally(new MediaToolException("interrupted while making " + target.getFileName(), e));
    } catch (MediaToolException | IOException | RuntimeException e) {
      mine.completeExceptionally(e);
    } finally {
      running.remove(target.toString(), mine);
    }
    return join(mine);
  }

  private static Optional<Path> join(CompletableFuture<Optional<Path>> future) throws MediaToolException, IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MediaToolException("interrupted while waiting for a thumbnail", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof MediaToolException m) {
        throw m;
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void run(List<String> command) throws MediaToolException {
    ProcessResult result = Processes.run(command, TIMEOUT, 8 * 1024);
    if (result.exitCode() != 0) {
      String first = result.output().lines().findFirst().orElse("").strip();
      throw new MediaToolException("ffmpeg failed (exit " + result.exitCode() + "): " + first);
    }
  }

  private static Path temp(Path target) throws IOException {
    return Files.createTempFile(target.getParent(), ".tmp-", ".jpg");
  }

  private static Path moveIntoPlace(Path tmp, Path target) throws IOException, MediaToolException {
    if (Files.size(tmp) == 0) {
      Files.deleteIfExists(tmp);
      throw new MediaToolException("ffmpeg wrote no picture for " + target.getFileName());
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.3f", Math.max(0, s));
  }
}
