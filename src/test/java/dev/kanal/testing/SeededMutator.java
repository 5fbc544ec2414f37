package dev.kanal.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fuzzing every build runs without Jazzer's fuzzing mode: byte-level edits of seed inputs
 * (flips, inserted bytes and tokens, deletions, copies, splices, cuts, long runs), from a fixed seed,
 * for a time budget, each input checked on a worker thread under a time limit. It is the mutator of
 * {@code PlaylistFuzzTest}, shared so each Jazzer target can have its CI budget: the check is the
 * Jazzer target's own, so a failure here and a Jazzer finding mean the same thing, and the report
 * says where to save the input for Jazzer to replay it ({@code <TestClass>Inputs/<method>/}).
 *
 * <p>{@code -Dkanal.fuzz.seconds=N} and {@code -Dkanal.fuzz.seed=N} override the budget and the seed.
 */
public final class SeededMutator {

  /** The check of one input: throws on a property violation. */
  @FunctionalInterface
  public interface Check {
    void accept(byte[] input) throws Exception;
  }

  /** What a run did, for the log line and the assertion that it ran at all. */
  public record Run(long inputs, int seeds, long seconds, long seed) {}

  private final String name;
  private final List<byte[]> seeds;
  private final byte[][] tokens;
  private final int maxInput;
  private final long perInputMillis;
  /** With {@link #withLongRuns}: a quarter of the inserted runs are at least this long; 0: runs up to 300 bytes. */
  private final int longRun;
  private final String fillers;

  private SeededMutator(String name, List<byte[]> seeds, byte[][] tokens, int maxInput, long perInputMillis,
      int longRun, String fillers) {
    this.name = name;
    this.seeds = List.copyOf(seeds);
    this.tokens = tokens;
    this.maxInput = maxInput;
    this.perInputMillis = perInputMillis;
    this.longRun = longRun;
    this.fillers = fillers;
  }

  /**
   * This mutator, with a quarter of its inserted runs {@code length} to {@code length + 63} bytes long
   * (past a parser's line limit, say) and every run made of one of {@code fillers}' characters.
   */
  public SeededMutator withLongRuns(int length, String fillers) {
    return new SeededMutator(name, seeds, tokens, maxInput, perInputMillis, length, fillers);
  }

  /**
   * A mutator named after the Jazzer target it feeds ({@code "RangeFuzzTest#range"}), mutating
   * {@code seeds} with {@code tokens} (the format's keywords and troublemakers), inputs cut at
   * {@code maxInput} bytes, each checked within {@code perInputMillis}.
   */
  public static SeededMutator of(String name, List<byte[]> seeds, List<String> tokens, int maxInput,
      long perInputMillis) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("a mutator needs at least one seed");
    }
    return new SeededMutator(name, seeds, tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new),
        maxInput, perInputMillis, 0, "");
  }

  /**
   * Checks every seed, then mutated inputs until {@code defaultSeconds} (or {@code kanal.fuzz.seconds})
   * have passed; fails with the input (saved to a temporary file, and inline when small) on the first
   * violation or time-out.
   */
  public Run run(long defaultSeconds, long defaultSeed, Check check) throws Exception {
    long seconds = Long.getLong("kanal.fuzz.seconds", defaultSeconds);
    long seed = Long.getLong("kanal.fuzz.seed", defaultSeed);
    Random random = new Random(seed);
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-" + name);
      t.setDaemon(true);
      return t;
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long runs = 0;
    try {
      for (byte[] s : seeds) {
        runOne(worker, s, check, seed, runs++);
      }
      while (System.nanoTime() < deadline) {
        runOne(worker, mutate(random), check, seed, runs++);
      }
    } finally {
      worker.shutdownNow();
    }
    System.out.printf("%s (seeded mutator): %d inputs (%d seeds) in %d s, seed %d%n", name, runs, seeds.size(),
        seconds, seed);
    return new Run(runs, seeds.size(), seconds, seed);
  }

  private void runOne(ExecutorService worker, byte[] input, Check check, long seed, long run) throws Exception {
    Future<?> result = worker.submit(() -> {
      check.accept(input);
      return null;
    });
    try {
      result.get(perInputMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      throw new AssertionError(report("took longer than " + perInputMillis + " ms", input, seed, run), e);
    } catch (ExecutionException e) {
      throw new AssertionError(report(String.valueOf(e.getCause()), input, seed, run), e.getCause());
    }
  }

  private String report(String what, byte[] input, long seed, long run) {
    String where;
    try {
      Path file = Files.createTempFile("fuzz-", ".bin");
      Files.write(file, input);
      where = file.toString();
    } catch (IOException e) {
      where = "(not saved: " + e.getMessage() + ")";
    }
    String inline = input.length <= 4096 ? "\nbase64: " + Base64.getEncoder().encodeToString(input) : "";
    String[] target = name.split("#", 2);
    return name + ": input " + run + " (seed " + seed + ") " + what + "; saved to " + where + " (copy it into "
        + target[0] + "Inputs/" + (target.length > 1 ? target[1] : "") + "/ beside the test's package in "
        + "src/test/resources to replay it)" + inline;
  }

  /** One to four byte-level edits of a seed. */
  byte[] mutate(Random random) {
    byte[] data = seeds.get(random.nextInt(seeds.size()));
    for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
      int n = data.length;
      int at = n == 0 ? 0 : random.nextInt(n + 1);
      data = switch (random.nextInt(9)) {
        case 0 -> {
          byte[] copy = data.clone();
          if (n > 0) {
            copy[Math.min(at, n - 1)] ^= (byte) (1 << random.nextInt(8));
          }
          yield copy;
        }
        case 1 -> insert(data, at, new byte[] {(byte) random.nextInt(256)});
        case 2, 3 -> tokens.length == 0 ? data : insert(data, at, tokens[random.nextInt(tokens.length)]);
        case 4 -> {
          int len = n == 0 ? 0 : random.nextInt(Math.min(n - Math.min(at, n), 256) + 1);
          yield remove(data, Math.min(at, n), len);
        }
        case 5 -> {
          int from = n == 0 ? 0 : random.nextInt(n);
          int len = Math.min(n - from, 1 + random.nextInt(512));
          yield insert(data, at, Arrays.copyOfRange(data, from, from + len));
        }
        case 6 -> {
          byte[] other = seeds.get(random.nextInt(seeds.size()));
          int from = other.length == 0 ? 0 : random.nextInt(other.length);
          yield insert(Arrays.copyOf(data, at), at, Arrays.copyOfRange(other, from, other.length));
        }
        case 7 -> Arrays.copyOf(data, at);
        default -> {
          if (longRun > 0) {
            byte[] run = new byte[random.nextInt(4) == 0 ? longRun + random.nextInt(64) : random.nextInt(300)];
            Arrays.fill(run, (byte) fillers.charAt(random.nextInt(fillers.length())));
            yield insert(data, at, run);
          }
          byte[] run = new byte[random.nextInt(300)];
          Arrays.fill(run, n == 0 ? (byte) 'a' : data[random.nextInt(n)]);
          yield insert(data, at, run);
        }
      };
      if (data.length > maxInput) {
        data = Arrays.copyOf(data, maxInput);
      }
    }
    return data;
  }

  private static byte[] insert(byte[] data, int at, byte[] piece) {
    byte[] out = new byte[data.length + piece.length];
    System.arraycopy(data, 0, out, 0, at);
    System.arraycopy(piece, 0, out, at, piece.length);
    System.arraycopy(data, at, out, at + piece.length, data.length - at);
    return out;
  }

  private static byte[] remove(byte[] data, int at, int len) {
    byte[] out = new byte[data.length - len];
    System.arraycopy(data, 0, out, 0, at);
    System.arraycopy(data, at + len, out, at, data.length - at - len);
    return out;
  }
}
