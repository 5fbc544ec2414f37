package dev.kanal.iptv;

import dev.kanal.net.HttpFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Loads XMLTV guides from URLs ({@code x-tvg-url}, {@code url-tvg}, config) and files into one
 * {@link Epg}. A guide that fails is reported and skipped; the others still load.
 */
public final class EpgSources {

  /** Default cap on a downloaded or read guide file (gzipped or not): 1 GiB. */
  public static final long DEFAULT_MAX_DOWNLOAD_BYTES = 1024L * 1024 * 1024;

  /**
   * A guide that could not be loaded.
   *
   * @param source the URL or file
   * @param message one sentence saying why, naming the source
   */
  public record Failure(String source, String message) {}

  /**
   * The outcome of loading several guides.
   *
   * @param epg what loaded
   * @param stats per loaded source, what its parse read
   * @param failures the guides that could not be loaded
   */
  public record Loaded(Epg epg, Map<String, XmltvParser.Stats> stats, List<Failure> failures) {
    /** Copies the lists. */
    public Loaded {
      Objects.requireNonNull(epg, "epg");
      stats = Map.copyOf(stats);
      failures = List.copyOf(failures);
    }
  }

  private EpgSources() {}

  /**
   * Loads every source (duplicates once) with {@code parser}; URLs through {@code fetcher}, each
   * capped at {@code maxDownloadBytes}.
   */
  public static Loaded load(List<String> sources, XmltvParser parser, HttpFetcher fetcher, long maxDownloadBytes) {
    Epg.Builder builder = Epg.builder();
    Map<String, XmltvParser.Stats> stats = new java.util.LinkedHashMap<>();
    List<Failure> failures = new ArrayList<>();
    for (String source : new LinkedHashSet<>(sources)) {
      try {
        stats.put(source, loadOne(source, parser, fetcher, maxDownloadBytes, builder));
      } catch (XmltvException e) {
        failures.add(new Failure(source, e.getMessage()));
      } catch (NoSuchFileException e) {
        failures.add(new Failure(source, source + ": no such file"));
      } catch (IOException | IllegalArgumentException e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        failures.add(new Failure(source, message.contains(source) ? message : source + ": " + message));
      }
    }
    return new Loaded(builder.build(), stats, failures);
  }

  private static XmltvParser.Stats loadOne(String source, XmltvParser parser, HttpFetcher fetcher, long maxBytes,
      Epg.Builder builder) throws IOException, XmltvException {
    String lower = source.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      try (HttpFetcher.Response response = fetcher.get(URI.create(source), Map.of(), maxBytes)) {
        if (response.status() != 200) {
          throw XmltvException.of(source, "answered HTTP " + response.status(), null);
        }
        return parser.parse(response.body(), source, builder);
      }
    }
    Path file = Path.of(lower.startsWith("file:") ? URI.create(source).getPath() : source);
    if (Files.isDirectory(file)) {
      throw XmltvException.of(source, "is a folder, not a guide", null);
    }
    long size = Files.size(file);
    if (size > maxBytes) {
      throw XmltvException.of(source, "is " + size + " bytes, larger than the limit of " + maxBytes, null);
    }
    try (InputStream in = Files.newInputStream(file)) {
      return parser.parse(in, source, builder);
    }
  }
}
