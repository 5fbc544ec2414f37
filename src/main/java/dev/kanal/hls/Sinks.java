package dev.kanal.hls;

import dev.kanal.media.Ffmpeg;
import dev.kanal.media.LocalInput;
import dev.kanal.media.MediaToolException;
import dev.kanal.media.ProcessResult;
import dev.kanal.media.Processes;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The writers behind a {@link RecordTarget}: raw TS, TS parts, ffmpeg remux, ffmpeg restream. */
final class Sinks {

  /** Looked up on first use: initialising logging costs a CLI recording seconds of start-up. */
  private static Logger log() {
    return LoggerFactory.getLogger(Sinks.class);
  }
  private static final int BUFFER = 1 << 20;
  private static final Duration REMUX_TIMEOUT = Duration.ofHours(6);

  private Sinks() {}

  /** The tracks a recording writes: the variant, and an alternative audio rendition. */
  enum Track {
    VIDEO("video"), AUDIO("audio");

    final String label;

    Track(String label) {
      this.label = label;
    }
  }

  /** Receives decrypted bytes in order, per track. Only the writer threads call it, one per track. */
  interface Sink {
    /** Appends bytes to a track. */
    void write(Track track, byte[] data) throws IOException;

    /** The next bytes of this track start a new part (a new timeline). */
    void discontinuity(Track track);

    /** Completes the output (remuxes, closes) and returns the files written. */
    List<Path> finish() throws HlsException;
  }

  /** Opens the sink for a target. */
  static Sink open(RecordTarget target) throws HlsException {
    try {
      if (target.stream().isPresent()) {
        return new TsStream(target.stream().get(), false, List.of());
      }
      if (target.url().isPresent()) {
        return new Pipe(target.ffmpeg().orElseThrow(), target.url().get(), List.of());
      }
      Path file = target.file().orElseThrow();
      return switch (target.format()) {
        case TS -> target.splitOnDiscontinuity() ? new TsParts(file) : new TsStream(openFile(file), true, List.of(file));
        case FLV -> new Pipe(target.ffmpeg().orElseThrow(), LocalInput.path(file), List.of(file));
        case MP4, MKV -> new Remux(target.ffmpeg().orElseThrow(), file, target.splitOnDiscontinuity());
      };
    } catch (IOException e) {
      throw new HlsException(HlsException.Kind.OUTPUT, "cannot write " + target.file().map(Path::toString)
          .orElse("the output") + ": " + e.getMessage(), e);
    }
  }

  private static OutputStream openFile(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return new BufferedOutputStream(Files.newOutputStream(file), BUFFER);
  }

  /** The name of part {@code n} (1-based): {@code rec.ts} becomes {@code rec-001.ts}. */
  static Path partName(Path file, int n) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    return file.resolveSibling(String.format("%s-%03d%s", stem, n, ext));
  }

  /** TS bytes to one stream; the audio track is not written (TS output takes the variant as it is). */
  static final class TsStream implements Sink {
    private final OutputStream out;
    private final boolean close;
    private final List<Path> files;

    TsStream(OutputStream out, boolean close, List<Path> files) {
      this.out = out;
      this.close = close;
      this.files = files;
    }

    @Override
    public void write(Track track, byte[] data) throws IOException {
      if (track == Track.VIDEO) {
        out.write(data);
      }
    }

    @Override
    public void discontinuity(Track track) {}

    @Override
    public List<Path> finish() throws HlsException {
      try {
        if (close) {
          out.close();
        } else {
          out.flush();
        }
      } catch (IOException e) {
        throw new HlsException(HlsException.Kind.OUTPUT, "cannot finish writing the output: " + e.getMessage(), e);
      }
      return files;
    }
  }

  /** Numbered TS files, a new one after each discontinuity. */
  static final class TsParts implements Sink {
    private final Path file;
    private final List<Path> files = new ArrayList<>();
    private OutputStream out;
    private boolean newPart = true;

    TsParts(Path file) {
      this.file = file;
    }

    @Override
    public void write(Track track, byte[] data) throws IOException {
      if (track != Track.VIDEO) {
        return;
      }
      if (newPart || out == null) {
        if (out != null) {
          out.close();
        }
        Path part = partName(file, files.size() + 1);
        out = openFile(part);
        files.add(part);
        newPart = false;
      }
      out.write(data);
    }

    @Override
    public void discontinuity(Track track) {
      if (track == Track.VIDEO) {
        newPart = true;
      }
    }

    @Override
    public List<Path> finish() throws HlsException {
      try {
        if (out != null) {
          out.close();
        }
      } catch (IOException e) {
        throw new HlsException(HlsException.Kind.OUTPUT, "cannot finish " + files.getLast() + ": " + e.getMessage(), e);
      }
      return List.copyOf(files);
    }
  }

  /**
   * MP4/MKV: TS parts (one per discontinuity and track) in a temporary folder beside the output,
   * then ffmpeg -c copy. Parts are joined with the concat demuxer, which moves each part's
   * timestamps to follow the previous part's, so the result's timestamps are monotonic.
   */
  static final class Remux implements Sink {
    private final Ffmpeg ffmpeg;
    private final Path file;
    private final boolean split;
    private final Path work;
    private final Map<Track, List<Path>> parts = new EnumMap<>(Track.class);
    private final Map<Track, OutputStream> open = new EnumMap<>(Track.class);
    private final Map<Track, Boolean> newPart = new EnumMap<>(Track.class);

    Remux(Ffmpeg ffmpeg, Path file, boolean split) throws IOException {
      this.ffmpeg = ffmpeg;
      this.file = file.toAbsolutePath();
      this.split = split;
      Files.createDirectories(this.file.getParent());
      this.work = Files.createTempDirectory(this.file.getParent(), "." + file.getFileName() + ".parts-");
    }

    @Override
    public synchronized void write(Track track, byte[] data) throws IOException {
      List<Path> list = parts.computeIfAbsent(track, t -> new ArrayList<>());
      OutputStream out = open.get(track);
      if (out == null || newPart.getOrDefault(track, false)) {
        if (out != null) {
          out.close();
        }
        Path part = work.resolve(String.format("%s-%03d.ts", track.label, list.size()));
        out = openFile(part);
        open.put(track, out);
        list.add(part);
        newPart.put(track, false);
      }
      out.write(data);
    }

    @Override
    public synchronized void discontinuity(Track track) {
      newPart.put(track, true);
    }

    @Override
    public synchronized List<Path> finish() throws HlsException {
      try {
        for (OutputStream out : open.values()) {
          out.close();
        }
        open.clear();
        List<Path> video = parts.getOrDefault(Track.VIDEO, List.of());
        List<Path> audio = parts.getOrDefault(Track.AUDIO, List.of());
        if (video.isEmpty()) {
          throw new HlsException(HlsException.Kind.OUTPUT, "nothing was recorded, so " + file + " was not written");
        }
        List<Path> written = new ArrayList<>();
        if (split) {
          for (int i = 0; i < video.size(); i++) {
            Path out = partName(file, i + 1);
            remux(List.of(video.get(i)), i < audio.size() ? List.of(audio.get(i)) : List.of(), out);
            written.add(out);
          }
        } else {
          remux(video, audio, file);
          written.add(file);
        }
        deleteTree(work);
        return written;
      } catch (IOException e) {
        throw new HlsException(HlsException.Kind.OUTPUT, "cannot write " + file + ": " + e.getMessage()
            + " (the recorded TS parts are in " + work + ")", e);
      }
    }

    private void remux(List<Path> video, List<Path> audio, Path out) throws IOException, HlsException {
      List<String> cmd = new ArrayList<>(List.of(ffmpeg.ffmpeg().toString(), "-hide_banner", "-loglevel", "error",
          "-y"));
      input(cmd, video, "video");
      if (!audio.isEmpty()) {
        input(cmd, audio, "audio");
        cmd.addAll(List.of("-map", "0:v?", "-map", "1:a"));
      } else {
        cmd.addAll(List.of("-map", "0"));
      }
      cmd.addAll(List.of("-c", "copy"));
      List<String> withBsf = new ArrayList<>(cmd);
      withBsf.addAll(List.of("-bsf:a", "aac_adtstoasc", out.toString()));
      cmd.add(out.toString());
      ProcessResult result = run(withBsf);
      if (result.exitCode() != 0) {
        // Audio that is not AAC refuses the ADTS filter; try once without it.
        ProcessResult plain = run(cmd);
        if (plain.exitCode() != 0) {
          throw new HlsException(HlsException.Kind.OUTPUT, "ffmpeg could not remux the recording into " + out
              + ": " + lastLine(result.output()) + " (the recorded TS parts are in " + work + ")");
        }
      }
    }

    private void input(List<String> cmd, List<Path> files, String name) throws IOException {
      if (files.size() == 1) {
        cmd.addAll(List.of("-protocol_whitelist", "file", "-i", LocalInput.path(files.getFirst())));
        return;
      }
      Path list = work.resolve(name + ".txt");
      StringBuilder text = new StringBuilder("ffconcat version 1.0\n");
      for (Path p : files) {
        text.append("file '").append(p.toString().replace("'", "'\\''")).append("'\n");
      }
      Files.writeString(list, text, StandardCharsets.UTF_8);
      // The list is Kanal's own, of absolute paths in its own folder; only local files may be opened.
      cmd.addAll(List.of("-protocol_whitelist", "file", "-f", "concat", "-safe", "0", "-i", LocalInput.path(list)));
    }

    private static ProcessResult run(List<String> cmd) throws HlsException {
      try {
        log().debug("event=hls.ffmpeg command=\"{}\"", String.join(" ", cmd));
        return Processes.run(cmd, REMUX_TIMEOUT, 64 * 1024);
      } catch (MediaToolException e) {
        throw new HlsException(HlsException.Kind.OUTPUT, e.getMessage(), e);
      }
    }
  }

  /** TS piped into ffmpeg, which writes FLV to a file or an RTMP URL. */
  static final class Pipe implements Sink {
    private final Process process;
    private final OutputStream in;
    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
    private final List<Path> files;
    private final String target;

    Pipe(Ffmpeg ffmpeg, String target, List<Path> files) throws IOException {
      this.files = files;
      this.target = target;
      List<String> cmd = List.of(ffmpeg.ffmpeg().toString(), "-hide_banner", "-loglevel", "error", "-y",
          "-fflags", "+genpts", "-f", "mpegts", "-i", "pipe:0", "-map", "0:v?", "-map", "0:a?", "-c", "copy",
          "-bsf:a", "aac_adtstoasc", "-f", "flv", target);
      process = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      in = new BufferedOutputStream(process.getOutputStream(), BUFFER);
      Thread.ofVirtual().name("ffmpeg-err-" + process.pid()).start(() -> drain(process.getErrorStream()));
    }

    private void drain(InputStream err) {
      byte[] buf = new byte[8192];
      try (err) {
        int n;
        while ((n = err.read(buf)) >= 0) {
          synchronized (errors) {
            if (errors.size() < 64 * 1024) {
              errors.write(buf, 0, n);
            }
          }
        }
      } catch (IOException e) {
        // ffmpeg ended.
      }
    }

    @Override
    public void write(Track track, byte[] data) throws IOException {
      if (track != Track.VIDEO) {
        return;
      }
      try {
        in.write(data);
      } catch (IOException e) {
        throw new IOException("ffmpeg stopped reading (" + lastLine(errorText()) + ")", e);
      }
    }

    @Override
    public void discontinuity(Track track) {}

    @Override
    public List<Path> finish() throws HlsException {
      try {
        in.close();
      } catch (IOException e) {
        // ffmpeg may already have exited; its exit code tells.
      }
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new HlsException(HlsException.Kind.OUTPUT, "ffmpeg did not finish writing " + target);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new HlsException(HlsException.Kind.OUTPUT, "interrupted while ffmpeg was writing " + target, e);
      }
      if (process.exitValue() != 0) {
        throw new HlsException(HlsException.Kind.OUTPUT, "ffmpeg failed writing " + target + ": "
            + lastLine(errorText()));
      }
      return files;
    }

    private String errorText() {
      synchronized (errors) {
        return errors.toString(StandardCharsets.UTF_8);
      }
    }
  }

  static String lastLine(String text) {
    List<String> lines = text.strip().lines().toList();
    return lines.isEmpty() ? "no message" : lines.getLast();
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log().warn("event=hls.cleanup.failed dir={} error=\"{}\"", dir, e.getMessage());
    }
  }
}
