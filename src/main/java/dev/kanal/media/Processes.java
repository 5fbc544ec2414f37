package dev.kanal.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external programs (ffmpeg, ffprobe) with an argument list, never a shell, and a timeout. */
public final class Processes {

  private Processes() {}

  /**
   * Runs a command to completion, capturing at most {@code maxOutput} bytes of its merged output.
   * Blocks: call from a worker or virtual thread, never from an event loop.
   */
  public static ProcessResult run(List<String> command, Duration timeout, int maxOutput) throws MediaToolException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new MediaToolException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().name("proc-out-" + process.pid()).start(() -> drain(process.getInputStream(), out, maxOutput));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new MediaToolException(command.get(0) + " did not finish within " + timeout.toSeconds() + " s");
      }
      reader.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new MediaToolException("interrupted while running " + command.get(0), e);
    }
    synchronized (out) {
      return new ProcessResult(process.exitValue(), out.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * Runs a command to completion, capturing standard output and error separately (at most
   * {@code maxStdout} and {@code maxStderr} bytes; {@code truncated} says whether stdout was cut).
   * Blocks: call from a worker or virtual thread, never from an event loop.
   */
  public static ProcessOutput capture(List<String> command, Duration timeout, int maxStdout, int maxStderr)
      throws MediaToolException {
    Process process;
    try {
      process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new MediaToolException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread outReader = Thread.ofVirtual().start(() -> drain(process.getInputStream(), out, maxStdout));
    Thread errReader = Thread.ofVirtual().start(() -> drain(process.getErrorStream(), err, maxStderr));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new MediaToolException(command.get(0) + " did not finish within " + timeout.toSeconds() + " s");
      }
      outReader.join(Duration.ofSeconds(5));
      errReader.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new MediaToolException("interrupted while running " + command.get(0), e);
    }
    synchronized (out) {
      synchronized (err) {
        return new ProcessOutput(process.exitValue(), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8), out.size() >= maxStdout);
      }
    }
  }

  private static void drain(InputStream in, ByteArrayOutputStream out, int max) {
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (out) {
          int keep = Math.min(n, max - out.size());
          if (keep > 0) {
            out.write(buf, 0, keep);
          }
        }
      }
    } catch (IOException e) {
      // The process ended or was killed; what was read is kept.
    }
  }
}
