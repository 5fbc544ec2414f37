package dev.kanal.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzing of the config loader: any YAML or TOML text must give a config or a {@link ConfigException}
 * whose every problem says what is wrong and where (the file, with a line when known), never another
 * exception or a hang; and a config that loads survives a round trip through {@link ConfigLoader#toYaml}
 * (what {@code kanal config show} prints loads back to the same config).
 *
 * <p>{@link #load(byte[])} is the Jazzer target (the first byte's low bit picks YAML or TOML, the rest
 * is the file): a plain run replays {@code src/test/resources/dev/kanal/config/ConfigLoaderFuzzTestInputs/load/},
 * {@code JAZZER_FUZZ=1} fuzzes with coverage guidance. {@link #mangledConfigs_giveConfigOrConfigException()}
 * mutates the shipped examples in every build (3 s, fixed seed; {@code -Dkanal.fuzz.seconds=N} runs
 * longer). Long run (see PlaylistFuzzTest on the timeout):
 *
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=5m mvn test -Dkanal.buildDir=$PWD/target-fuzz -Dtest='ConfigLoaderFuzzTest#load' \
 *     -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 */
class ConfigLoaderFuzzTest {

  private static final String[] TOKENS = {":", "- ", "  ", "\n", "[", "]", "{", "}", "\"", "'", "#", "=", ",",
      "&a", "*a", "!!binary", "~", "99999999999999999999", "-1", "1.5e308", "port", "server", "sources", "\t",
      "\u0000", "\uFEFF", "ü", "null", "true", "[[iptv.sources]]", "<<: *a"};

  @TempDir
  Path dir;

  private static final Path FILES = files();

  private static Path files() {
    try {
      Path d = Files.createTempDirectory("kanal-config-fuzz");
      d.toFile().deleteOnExit();
      for (String name : List.of("fuzz.yaml", "fuzz.toml", "round-trip.yaml")) {
        d.resolve(name).toFile().deleteOnExit(); // deleted before the folder (reverse order)
      }
      return d;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Loads {@code text} from a file of that kind and checks the contract. */
  static void check(String text, boolean toml) throws Exception {
    Path file = FILES.resolve(toml ? "fuzz.toml" : "fuzz.yaml");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    checkFile(file);
  }

  private static void checkFile(Path file) throws Exception {
    KanalConfig config;
    try {
      config = ConfigLoader.load(Optional.of(file), Map.of(), List.of());
    } catch (ConfigException e) {
      assertThat(e.problems()).isNotEmpty();
      for (ConfigProblem p : e.problems()) {
        assertThat(p.message()).as("a problem says what is wrong").isNotBlank();
        assertThat(p.origin()).as("a problem names the file").startsWith(file.toString());
      }
      return;
    }
    Path again = FILES.resolve("round-trip.yaml");
    String yaml = ConfigLoader.toYaml(config);
    Files.writeString(again, yaml, StandardCharsets.UTF_8);
    KanalConfig back;
    try {
      back = ConfigLoader.load(Optional.of(again), Map.of(), List.of());
    } catch (ConfigException e) {
      throw new AssertionError("config show's output does not load: " + e.getMessage() + "\n" + yaml, e);
    }
    assertThat(back).as("round trip of%n%s", yaml).isEqualTo(config);
  }

  @FuzzTest(maxDuration = "5m")
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void load(byte[] data) throws Exception {
    if (data.length == 0) {
      return;
    }
    Path file = FILES.resolve((data[0] & 1) == 1 ? "fuzz.toml" : "fuzz.yaml");
    Files.write(file, java.util.Arrays.copyOfRange(data, 1, data.length));
    checkFile(file);
  }

  @Test
  void mangledConfigs_giveConfigOrConfigException() throws Exception {
    long seconds = Long.getLong("kanal.fuzz.seconds", 3);
    long seed = Long.getLong("kanal.fuzz.seed", 20261121L);
    Random random = new Random(seed);
    List<String> seeds = List.of(ConfigExample.yaml(), ConfigExample.toml());
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    int runs = 0;
    while (System.nanoTime() < deadline) {
      int which = random.nextInt(seeds.size());
      String text = mutate(seeds.get(which), random);
      Path file = dir.resolve(which == 0 ? "fuzz.yaml" : "fuzz.toml");
      Files.writeString(file, text, StandardCharsets.UTF_8);
      try {
        ConfigLoader.load(Optional.of(file), Map.of(), List.of());
      } catch (ConfigException expected) {
        assertThat(expected.getMessage()).as("a ConfigException names what is wrong").isNotBlank();
      } catch (Throwable t) {
        throw new AssertionError("seed " + seed + " run " + runs + ": " + t + " for input:\n" + text, t);
      }
      try {
        checkFile(file);
      } catch (Throwable t) {
        throw new AssertionError("seed " + seed + " run " + runs + ": " + t + " for input:\n" + text, t);
      }
      runs++;
    }
    assertThat(runs).isGreaterThan(50);
    System.out.printf("ConfigLoaderFuzzTest: %d inputs in %d s, seed %d%n", runs, seconds, seed);
  }

  private static String mutate(String text, Random random) {
    StringBuilder s = new StringBuilder(text);
    int edits = 1 + random.nextInt(8);
    for (int i = 0; i < edits && !s.isEmpty(); i++) {
      int at = random.nextInt(s.length());
      switch (random.nextInt(4)) {
        case 0 -> s.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(20)));
        case 2 -> s.setCharAt(at, (char) random.nextInt(128));
        default -> {
          int from = random.nextInt(s.length());
          int to = Math.min(s.length(), from + random.nextInt(40));
          s.insert(at, s.substring(from, to));
        }
      }
    }
    return s.toString();
  }
}
