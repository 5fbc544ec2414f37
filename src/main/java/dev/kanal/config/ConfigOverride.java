package dev.kanal.config;

import java.util.List;

/**
 * A value set from outside the config file, such as a command-line flag.
 *
 * @param key the dotted config key, e.g. {@code server.port}
 * @param value a string, or a list of strings for list keys
 * @param origin how the user set it, e.g. {@code --port}; error messages name it
 */
public record ConfigOverride(String key, Object value, String origin) {

  public ConfigOverride {
    if (!(value instanceof String) && !(value instanceof List<?>)) {
      throw new IllegalArgumentException("override " + key + " must be a string or a list of strings");
    }
    if (value instanceof List<?> list) {
      value = List.copyOf(list.stream().map(String::valueOf).toList());
    }
  }
}
