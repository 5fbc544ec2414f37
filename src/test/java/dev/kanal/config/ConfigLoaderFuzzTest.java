package dev.kanal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of the config loader: mangled YAML and TOML (from the shipped examples) must give
 * a config or a {@link ConfigException}, never another exception or a hang. Bounded: a fixed seed
 * and a few seconds; {@code -Dkanal.fuzz.seconds=N} runs longer.
 */
class ConfigLoaderFuzzTest {

  private static final String[] TOKENS = {":", "- ", "  ", "\n", "[", "]", "{", "}", "\"", "'", "#", "=", ",",
      "&a", "*a", "!!binary", "~", "99999999999999999999", "-1", "1.5e308", "port", "server", "sources", "\t",
      "\u0000", "\uFEFF", "ü", "null", "true", "[[iptv.sources]]", "<<: *a"};

  @TempDir
  Path dir;

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
