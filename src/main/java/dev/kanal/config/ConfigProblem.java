package dev.kanal.config;

/**
 * One thing wrong with the configuration.
 *
 * @param key the dotted key, e.g. {@code server.port} or {@code iptv.sources[2].url}
 * @param message what is wrong with it
 * @param origin where the value came from, e.g. {@code kanal.yaml:12}, {@code KANAL_SERVER_PORT} or
 *     {@code --port}; empty when not known
 */
public record ConfigProblem(String key, String message, String origin) {

  ConfigProblem(String key, String message) {
    this(key, message, "");
  }

  /** A copy that says where the value came from. */
  ConfigProblem at(String where) {
    return new ConfigProblem(key, message, where);
  }

  @Override
  public String toString() {
    return (origin.isEmpty() ? "" : origin + ": ") + (key.isEmpty() ? "" : key + ": ") + message;
  }
}
