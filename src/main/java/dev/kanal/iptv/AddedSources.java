package dev.kanal.iptv;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kanal.config.KanalConfig.SourceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Playlist sources added from the web UI or the API, kept in {@code dataDir/iptv/added-sources.json}
 * beside the configured ones (the config file is the user's and is never rewritten). Only remote
 * sources can be added this way (http, https, iptv-org presets): a web client must not make the
 * server read its local files. Written atomically (a temporary file, then a rename).
 */
public final class AddedSources {

  private static final Logger LOG = LoggerFactory.getLogger(AddedSources.class);
  /** Sources that can be added at most. */
  public static final int MAX = 200;
  private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One added source as stored. */
  public record Entry(String url, int priority, boolean allowPrivate) {}

  private final Path file;

  /** The added sources of a data folder. */
  public AddedSources(Path dataDir) {
    this.file = dataDir.resolve("iptv").resolve("added-sources.json");
  }

  /** The added sources, oldest first; a missing file is none, an unreadable one is logged and ignored. */
  public synchronized List<Entry> entries() {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
      }
      List<Entry> entries = JSON.readValue(file.toFile(), new TypeReference<List<Entry>>() {});
      return entries.stream().filter(e -> e != null && e.url() != null).limit(MAX).toList();
    } catch (IOException e) {
      LOG.warn("event=iptv.added_sources.unreadable file={} reason=\"{}\"", file, e.getMessage());
      return List.of();
    }
  }

  /** The added sources as configured sources (enabled, no headers). */
  public List<SourceConfig> sources() {
    return entries().stream()
        .map(e -> new SourceConfig(e.url(), e.priority(), Map.of(), Duration.ZERO, true, e.allowPrivate()))
        .toList();
  }

  /**
   * Adds a source.
   *
   * @throws IllegalArgumentException with a sentence for the user: not a remote URL or preset, already
   *     there, or too many
   */
  public synchronized Entry add(String url, int priority, boolean allowPrivate) throws IOException {
    SourceLocation location = SourceLocation.resolve(url);
    if (!location.remote()) {
      throw new IllegalArgumentException("only http and https URLs and iptv-org: presets can be added here;"
          + " local files go in the config file (iptv.sources)");
    }
    List<Entry> entries = new ArrayList<>(entries());
    String text = url.strip();
    if (entries.stream().anyMatch(e -> e.url().equals(text))) {
      throw new IllegalArgumentException("this source is already added");
    }
    if (entries.size() >= MAX) {
      throw new IllegalArgumentException("at most " + MAX + " sources can be added; remove one first");
    }
    Entry entry = new Entry(text, priority, allowPrivate);
    entries.add(entry);
    write(entries);
    return entry;
  }

  /** Removes the source with this URL; false when it was not an added one. */
  public synchronized boolean remove(String url) throws IOException {
    List<Entry> entries = new ArrayList<>(entries());
    boolean removed = entries.removeIf(e -> e.url().equals(url));
    if (removed) {
      write(entries);
    }
    return removed;
  }

  private void write(List<Entry> entries) throws IOException {
    SourceFetcher.writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(entries));
  }
}
