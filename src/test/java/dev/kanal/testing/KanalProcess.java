package dev.kanal.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code kanal} as a separate JVM (the test classpath), as a user would, and reads what it prints. */
public final class KanalProcess implements AutoCloseable {

  private final Process process;
  private final LinkedBlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final StringBuffer stderr = new StringBuffer();
  private final CompletableFuture<Void> stderrDone;

  private KanalProcess(Process process) {
    this.process = process;
    Thread.ofVirtual().start(() -> pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), stdout));
    stderrDone = CompletableFuture.runAsync(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          stderr.append(line).append('\n');
        }
      } catch (IOException e) {
        stderr.append("[stderr closed: ").append(e).append("]\n");
      }
      // A thread of its own: on the common pool (one thread on two cores) a second process's reader
      // would wait for the first process to exit, and terminate() would never return.
    }, task -> Thread.ofVirtual().name("kanal-process-stderr").start(task));
  }

  /** Starts {@code kanal ARGS...} with the given working folder. */
  public static KanalProcess start(Path workDir, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (Runtime.version().feature() >= 22) {
      command.add("--enable-native-access=ALL-UNNAMED"); // as ./kanal does: the bundled ffmpeg loads through JavaCPP
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.kanal.Main");
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("KANAL_"));
    return new KanalProcess(pb.start());
  }

  /**
   * Starts {@code mainClass ARGS...} from the test classpath in its own JVM with {@code jvmOptions}
   * (e.g. {@code -Xmx256m}), for tests that need a server with its own heap.
   */
  public static KanalProcess startJava(Path workDir, List<String> jvmOptions, String mainClass, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("KANAL_"));
    return new KanalProcess(pb.start());
  }

  /** The process id, e.g. for {@code jcmd}. */
  public long pid() {
    return process.pid();
  }

  private static void pump(BufferedReader reader, LinkedBlockingQueue<String> lines) {
    try (reader) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("[stdout closed: " + e + "]");
    }
  }

  /** Waits for a stdout line matching {@code regex} and returns its first group (or the line). */
  public String awaitLine(String regex, Duration timeout) throws InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    StringBuilder seen = new StringBuilder();
    while (System.nanoTime() < deadline) {
      String line = stdout.poll(200, TimeUnit.MILLISECONDS);
      if (line != null) {
        seen.append(line).append('\n');
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m.groupCount() > 0 ? m.group(1) : line;
        }
      } else if (!process.isAlive()) {
        break;
      }
    }
    throw new AssertionError("no line matching " + regex + " within " + timeout + "; stdout:\n" + seen + "stderr:\n" + stderr);
  }

  /** Sends SIGTERM and waits for the exit; returns the exit code. */
  public int terminate(Duration timeout) throws InterruptedException {
    // Process.destroy() would also close our end of stdout/stderr and lose the last lines.
    process.toHandle().destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("kanal did not stop within " + timeout + " of SIGTERM; stderr:\n" + stderr);
    }
    stderrDone.join();
    return process.exitValue();
  }

  /** Waits for the process to exit by itself and returns the exit code (fails the test after {@code timeout}). */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("kanal did not exit within " + timeout + "; stderr:\n" + stderr);
    }
    stderrDone.join();
    return process.exitValue();
  }

  /** Kills the process with SIGKILL (no shutdown hook runs, nothing is flushed) and waits until it is gone. */
  public void kill(Duration timeout) throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("kanal did not die within " + timeout + " of SIGKILL");
    }
  }

  /** Everything written to stderr so far (complete after {@link #terminate}). */
  public String stderr() {
    return stderr.toString();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
