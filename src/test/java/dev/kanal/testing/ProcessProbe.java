package dev.kanal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM process measured from outside, as an operator would (Linux {@code /proc} and {@code jcmd}):
 * resident memory and its peak ({@code VmRSS}, {@code VmHWM}), open file descriptors
 * ({@code /proc/PID/fd}), kernel threads ({@code /proc/PID/task}), heap used after a full GC
 * ({@code jcmd PID GC.run}, then {@code GC.heap_info}) and child processes. For the load tests.
 */
public final class ProcessProbe {

  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total.*?used (\\d+)K");

  private final long pid;
  private final Path proc;

  /** A probe of process {@code pid}. */
  public ProcessProbe(long pid) {
    this.pid = pid;
    this.proc = Path.of("/proc", Long.toString(pid));
  }

  /** The process id. */
  public long pid() {
    return pid;
  }

  /** Resident set size now, in bytes ({@code VmRSS}). */
  public long rss() {
    return statusKb("VmRSS") * 1024;
  }

  /** The peak resident set size since the last {@link #resetPeakRss} (or the start), in bytes ({@code VmHWM}). */
  public long peakRss() {
    return statusKb("VmHWM") * 1024;
  }

  /**
   * Starts a new peak-RSS period by writing 5 to {@code /proc/PID/clear_refs}; returns false when the
   * kernel refuses (the peak then covers the whole life of the process).
   */
  public boolean resetPeakRss() {
    try {
      Files.writeString(proc.resolve("clear_refs"), "5");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** CPU time used so far, user and system, in seconds ({@code /proc/PID/stat}, 100 ticks a second). */
  public double cpuSeconds() {
    return cpuSeconds(proc);
  }

  /** CPU time this JVM (the load's client side) has used so far, in seconds. */
  public static double ownCpuSeconds() {
    return cpuSeconds(Path.of("/proc/self"));
  }

  private static double cpuSeconds(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the command: state is field 3 of the man page, utime 14 and stime 15.
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Open file descriptors (sockets, files, pipes, epoll...). */
  public int fds() {
    return count(proc.resolve("fd"));
  }

  /** Kernel threads (platform threads; virtual threads are not counted, their carriers are). */
  public int threads() {
    return count(proc.resolve("task"));
  }

  /** Child and grand-child processes whose command line contains {@code needle} (e.g. ffmpeg). */
  public List<ProcessHandle> descendants(String needle) {
    return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
        .filter(ph -> ph.info().commandLine().map(c -> c.contains(needle)).orElse(false)).toList();
  }

  /**
   * Heap used after two full collections ({@code jcmd PID GC.run}), in bytes, from {@code GC.heap_info}.
   * The first call also starts the JVM's attach listener thread: take it before counting threads.
   */
  public long heapAfterGc() {
    jcmd("GC.run");
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher m = HEAP_USED.matcher(info);
    if (!m.find()) {
      throw new AssertionError("no heap usage in jcmd GC.heap_info: " + info);
    }
    return Long.parseLong(m.group(1)) * 1024;
  }

  /** Heap used now without a collection, in bytes ({@code GC.heap_info}). */
  public long heapNow() {
    Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
    return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
  }

  private String jcmd(String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("jcmd " + pid + " " + command + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits up to {@code timeout} (polling every second) until {@code settled} holds, e.g. until the
   * threads are back to their baseline once idle pools have let their extra threads go; returns
   * whether it did.
   */
  public static boolean awaitSettled(BooleanSupplier settled, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (settled.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(1000);
    }
  }

  private long statusKb(String field) {
    try {
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
        }
      }
      throw new AssertionError("no " + field + " in " + proc.resolve("status"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int count(Path dir) {
    try (var s = Files.list(dir)) {
      return (int) s.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The machine's 1-minute load average ({@code /proc/loadavg}), for result lines. */
  public static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }
}
