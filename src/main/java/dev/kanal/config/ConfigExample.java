package dev.kanal.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The commented example config that {@code kanal config init} writes. */
public final class ConfigExample {

  private ConfigExample() {}

  /** The example as YAML with comments on every key. */
  public static String yaml() {
    try (InputStream in = ConfigExample.class.getResourceAsStream("kanal.example.yaml")) {
      if (in == null) {
        throw new IllegalStateException("kanal.example.yaml is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The defaults as TOML (without comments: see the YAML example for what each key means). */
  public static String toml() {
    try {
      return "# Kanal configuration (TOML). Every key is optional; see 'kanal config init' (YAML) for comments.\n"
          + ConfigMapper.TOML.writeValueAsString(KanalConfig.defaults());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
