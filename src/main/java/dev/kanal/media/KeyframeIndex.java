package dev.kanal.media;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The key frames of a file's first video stream, read once with ffprobe from the packet flags (no
 * decoding: about 0.4 s for ten minutes of 1080p) and cached on disk, so the remux path can cut
 * segments where a copied stream can be cut. Times are microseconds on the source's own timeline.
 *
 * @param keyframes the presentation times of the key frames, ascending
 * @param startMicros the container's start time ({@code format=start_time})
 * @param durationMicros the container's duration ({@code format=duration})
 * @param positions the byte position of each key frame's packet in the file (-1 when unknown), to
 *     estimate the peak bit rate of a segment
 * @param fileSize the size of the file, the end of the last segment's bytes
 */
public record KeyframeIndex(long[] keyframes, long startMicros, long durationMicros, long[] positions, long fileSize) {

  private static final String MAGIC = "kanal-keyframes-v1";

  /**
   * The index of {@code file}, from {@code cache} when it is there, else probed and written there
   * (atomically, so a crash leaves no half file). Blocks: call on a virtual thread.
   */
  public static KeyframeIndex load(Path ffprobe, Path file, Path cache, Duration timeout) throws MediaToolException, IOException {
    if (Files.isRegularFile(cache)) {
      try {
        return read(cache);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(cache);
      }
    }
    KeyframeIndex index = probe(ffprobe, file, timeout);
    Files.createDirectories(cache.getParent());
    Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
    Files.writeString(tmp, index.serialize());
    try {
      Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING);
    }
    return index;
  }

  /** Runs ffprobe over the packets of the first video stream. */
  static KeyframeIndex probe(Path ffprobe, Path file, Duration timeout) throws MediaToolException, IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of(ffprobe.toString(), "-hide_banner", "-v", "error",
        "-select_streams", "v:0", "-show_entries", "packet=pts,pts_time,flags,pos:format=start_time,duration,size",
        "-of", "compact=p=1:nk=0"));
    cmd.addAll(LocalInput.library(file));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    p.getOutputStream().close();
    // A demuxer that hangs must not hold the request: the watchdog kills ffprobe at the deadline.
    Thread watchdog = Thread.ofVirtual().name("kanal-keyframes-watchdog").start(() -> {
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        // the probe finished first
      }
    });
    List<long[]> keys = new ArrayList<>();
    long start = 0;
    long duration = -1;
    long size = Files.size(file);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("packet|")) {
          String pts = field(line, "pts_time");
          String flags = field(line, "flags");
          if (pts != null && flags != null && flags.startsWith("K") && !pts.equals("N/A")) {
            String pos = field(line, "pos");
            keys.add(new long[] {micros(pts), pos == null || pos.equals("N/A") ? -1 : Long.parseLong(pos)});
          }
        } else if (line.startsWith("format|")) {
          String s = field(line, "start_time");
          String d = field(line, "duration");
          start = s == null || s.equals("N/A") ? 0 : micros(s);
          duration = d == null || d.equals("N/A") ? -1 : micros(d);
        }
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new MediaToolException("ffprobe did not list the key frames within " + timeout.toSeconds() + " s");
      }
    } catch (NumberFormatException e) {
      throw new MediaToolException("ffprobe listed key frames that are not numbers", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MediaToolException("interrupted while listing key frames", e);
    } finally {
      watchdog.interrupt();
      p.destroyForcibly();
    }
    if (p.exitValue() != 0 || keys.isEmpty() || duration <= 0) {
      throw new MediaToolException("ffprobe found no key frames or no duration (exit " + p.exitValue() + ")");
    }
    // Packets come in decode order; key frames are in presentation order already, but sort to be sure.
    keys.sort((a, b) -> Long.compare(a[0], b[0]));
    long[] times = new long[keys.size()];
    long[] pos = new long[keys.size()];
    for (int i = 0; i < times.length; i++) {
      times[i] = keys.get(i)[0];
      pos[i] = keys.get(i)[1];
    }
    return new KeyframeIndex(times, start, duration, pos, size);
  }

  /** The end of the file on the source's timeline. */
  public long endMicros() {
    return startMicros + durationMicros;
  }

  /** Seconds with up to six decimals, e.g. {@code "12.345678"}, to microseconds exactly. */
  static long micros(String seconds) {
    return new BigDecimal(seconds).movePointRight(6).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
  }

  private static String field(String line, String name) {
    int i = line.indexOf("|" + name + "=");
    if (i < 0) {
      return null;
    }
    int from = i + name.length() + 2;
    int end = line.indexOf('|', from);
    return line.substring(from, end < 0 ? line.length() : end);
  }

  private String serialize() {
    StringBuilder b = new StringBuilder(MAGIC).append('\n').append(startMicros).append(' ').append(durationMicros)
        .append(' ').append(fileSize).append('\n');
    for (int i = 0; i < keyframes.length; i++) {
      b.append(keyframes[i]).append(' ').append(positions[i]).append('\n');
    }
    return b.toString();
  }

  private static KeyframeIndex read(Path cache) throws IOException {
    List<String> lines = Files.readAllLines(cache, StandardCharsets.US_ASCII);
    if (lines.size() < 3 || !lines.get(0).equals(MAGIC)) {
      throw new IOException("not a key frame index");
    }
    String[] head = lines.get(1).split(" ");
    long[] times = new long[lines.size() - 2];
    long[] pos = new long[times.length];
    for (int i = 0; i < times.length; i++) {
      String[] f = lines.get(i + 2).split(" ");
      times[i] = Long.parseLong(f[0]);
      pos[i] = Long.parseLong(f[1]);
    }
    return new KeyframeIndex(times, Long.parseLong(head[0]), Long.parseLong(head[1]), pos, Long.parseLong(head[2]));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyframeIndex k && Arrays.equals(keyframes, k.keyframes) && startMicros == k.startMicros
        && durationMicros == k.durationMicros && Arrays.equals(positions, k.positions) && fileSize == k.fileSize;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(keyframes) * 31 + Long.hashCode(startMicros);
  }

  @Override
  public String toString() {
    return "KeyframeIndex[" + keyframes.length + " key frames, start=" + startMicros + "us, duration=" + durationMicros + "us]";
  }
}
