package dev.kanal.media;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The key frames of a source's video and where ffmpeg's HLS muxer will cut it: at the first key
 * frame at or after {@code n x segmentDuration} from the start, for the n-th cut (libavformat
 * hlsenc.c, {@code end_pts = hls_time * number}). Encoded rungs get key frames forced at the same
 * times, so every rung is cut at the same instants.
 *
 * @param times the key frame times in seconds from the start of the output (the source's start time
 *     subtracted), ascending, the first 0
 * @param duration the source's duration in seconds
 */
record Keyframes(List<Double> times, double duration) {

  /** Longer {@code -force_key_frames} lists are thinned (Linux limits one argument to 128 KiB). */
  static final int MAX_ARGUMENT = 100_000;

  Keyframes {
    times = List.copyOf(times);
  }

  /** Reads the key frames of the first video stream without decoding (packet flags), one ffprobe. */
  static Keyframes probe(Path ffprobe, Path file, double duration, Duration timeout) throws MediaToolException {
    List<String> cmd = new java.util.ArrayList<>(List.of(ffprobe.toString(), "-v", "error", "-select_streams", "v:0",
        "-show_entries", "packet=pts_time,flags:format=start_time", "-of", "csv"));
    cmd.addAll(LocalInput.library(file));
    Process p;
    try {
      p = new ProcessBuilder(cmd).start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new MediaToolException("cannot run " + ffprobe + ": " + e.getMessage(), e);
    }
    StringBuilder errors = new StringBuilder();
    Process proc = p;
    Thread err = Thread.ofVirtual().start(() -> {
      try (var in = proc.getErrorStream()) {
        byte[] all = in.readNBytes(8192);
        synchronized (errors) {
          errors.append(new String(all, StandardCharsets.UTF_8).strip());
        }
        in.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException e) {
        // ffprobe ended
      }
    });
    List<Double> pts = new ArrayList<>();
    double start = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(",");
        if (f[0].equals("packet") && f.length >= 3 && f[2].startsWith("K") && !f[1].equals("N/A")) {
          pts.add(Double.parseDouble(f[1]));
        } else if (f[0].equals("format") && f.length >= 2 && !f[1].equals("N/A")) {
          start = Double.parseDouble(f[1]);
        }
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new MediaToolException("ffprobe did not list the key frames within " + timeout.toSeconds() + " s");
      }
    } catch (IOException | NumberFormatException e) {
      p.destroyForcibly();
      throw new MediaToolException("cannot read the key frames: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new MediaToolException("interrupted while reading the key frames", e);
    }
    if (p.exitValue() != 0) {
      try {
        err.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (errors) {
        throw new MediaToolException("ffprobe could not list the key frames (exit " + p.exitValue() + ")"
            + (errors.isEmpty() ? "" : ":\n" + errors));
      }
    }
    return of(pts, start, duration);
  }

  /** Key frames from packet times, made relative to {@code start} and sorted (packets come in decode order). */
  static Keyframes of(List<Double> pts, double start, double duration) {
    List<Double> t = new ArrayList<>();
    for (double v : pts) {
      t.add(Math.max(0, v - start));
    }
    t.sort(Double::compare);
    List<Double> distinct = new ArrayList<>();
    for (double v : t) {
      if (distinct.isEmpty() || v - distinct.getLast() > 1e-6) {
        distinct.add(v);
      }
    }
    if (distinct.isEmpty() || distinct.getFirst() > 1e-3) {
      distinct.addFirst(0.0); // the first frame is always a key frame once encoded
    }
    return new Keyframes(distinct, duration);
  }

  /** Where the HLS muxer cuts with segments of {@code target} seconds (the start, 0, excluded). */
  List<Double> cuts(double target) {
    List<Double> cuts = new ArrayList<>();
    int n = 1;
    double last = 0;
    for (double k : times) {
      if (k > last && k >= n * target - 1e-6) {
        cuts.add(k);
        last = k;
        n++;
      }
    }
    return cuts;
  }

  /** The longest segment the muxer will make with segments of {@code target} seconds. */
  double longestSegment(double target) {
    double longest = 0;
    double last = 0;
    for (double c : cuts(target)) {
      longest = Math.max(longest, c - last);
      last = c;
    }
    return Math.max(longest, duration - last);
  }

  /**
   * The {@code -force_key_frames} list for encoded rungs: every key frame of the source, each half a
   * frame early so the frame at that instant is the one forced. Key frames that cannot move a cut
   * (strictly between a cut and the next {@code n x target}) are dropped when the list would be too
   * long for one argument.
   */
  String forceList(double target, double frameRate) {
    double early = frameRate > 0 ? 0.5 / frameRate : 0.001;
    List<Double> keep = times;
    String list = join(keep, early);
    if (list.length() > MAX_ARGUMENT) {
      keep = new ArrayList<>();
      keep.add(0.0);
      keep.addAll(cuts(target));
      list = join(keep, early);
    }
    return list;
  }

  private static String join(List<Double> times, double early) {
    StringBuilder sb = new StringBuilder();
    for (double t : times) {
      if (!sb.isEmpty()) {
        sb.append(',');
      }
      sb.append(String.format(Locale.ROOT, "%.3f", Math.max(0, t - early)));
    }
    return sb.toString();
  }
}
