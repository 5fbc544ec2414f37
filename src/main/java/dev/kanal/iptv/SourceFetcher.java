package dev.kanal.iptv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kanal.config.KanalConfig.SourceConfig;
import dev.kanal.net.HttpFetcher;
import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.playlist.PlaylistParseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads playlist sources: conditional GETs ({@code If-None-Match}, {@code If-Modified-Since}; a 304
 * reuses the cached copy), gzip, a size cap, a per-host throttle, and the last good copy of every
 * source in {@code cacheDir} ({@code <sha256 of the source>.m3u} plus {@code .json} metadata), used
 * with a warning when the source is unreachable or answers something that is not a playlist.
 * Blocking: call it from a virtual thread.
 */
public final class SourceFetcher {

  /** The default cap on one playlist: iptv-org's index is about 10 MB. */
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(SourceFetcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Names of {@link #writeAtomically}'s temporary files: hidden, and never a cache file's name. */
  static final String TMP_PREFIX = ".tmp-";
  static final String TMP_SUFFIX = ".part";

  private final HttpFetcher http;
  private final Path cacheDir;
  private final long maxBytes;
  private final Clock clock;
  private final Map<String, Instant> nextRequestByHost = new ConcurrentHashMap<>();

  /**
   * A fetcher.
   *
   * @param http the HTTP client
   * @param cacheDir where last good copies are kept (created when needed), e.g. {@code dataDir/iptv/sources}
   * @param maxBytes the largest playlist accepted
   * @param clock the clock for cache ages
   */
  public SourceFetcher(HttpFetcher http, Path cacheDir, long maxBytes, Clock clock) {
    this.http = http;
    this.cacheDir = cacheDir;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  /** How a source was read. */
  public enum Outcome {
    /** Fetched (or read from its file) and parsed; the cache now holds it. */
    FETCHED,
    /** The server said 304 Not Modified: the cached copy is current. */
    NOT_MODIFIED,
    /** The cached copy was young enough that no request was made. */
    CACHED,
    /** The source failed; the last good copy is used (see the warning). */
    STALE_CACHE,
    /** The source failed and there is no cached copy (see the error). */
    FAILED
  }

  /**
   * What reading one source gave.
   *
   * @param source the configured source
   * @param outcome how it was read
   * @param playlist the parsed playlist, empty when {@link Outcome#FAILED}
   * @param fetchedAt when the copy in use was fetched
   * @param message the warning (stale cache) or error (failed), else empty
   */
  public record Result(SourceConfig source, Outcome outcome, Optional<IptvPlaylist> playlist,
      Optional<Instant> fetchedAt, Optional<String> message) {

    /** True when there is a playlist to use. */
    public boolean ok() {
      return playlist.isPresent();
    }
  }

  /**
   * Reads a source.
   *
   * @param source the configured source
   * @param maxAge use the cached copy without any request when it is younger than this
   *     ({@link Duration#ZERO} always asks the source, conditionally)
   */
  public Result fetch(SourceConfig source, Duration maxAge) {
    SourceLocation location;
    try {
      location = SourceLocation.resolve(source.url());
    } catch (IllegalArgumentException e) {
      return new Result(source, Outcome.FAILED, Optional.empty(), Optional.empty(), Optional.of(e.getMessage()));
    }
    Path body = cacheDir.resolve(CatalogBuilder.hash(source.url()).substring(0, 32) + ".m3u");
    Path metaFile = cacheDir.resolve(CatalogBuilder.hash(source.url()).substring(0, 32) + ".json");
    Optional<Meta> meta = readMeta(metaFile).filter(m -> Files.isRegularFile(body));
    Instant now = clock.instant();
    if (meta.isPresent() && maxAge.compareTo(Duration.ZERO) > 0 && meta.get().fetchedAt().plus(maxAge).isAfter(now)) {
      Optional<IptvPlaylist> cached = parseCached(body, location);
      if (cached.isPresent()) {
        return new Result(source, Outcome.CACHED, cached, Optional.of(meta.get().fetchedAt()), Optional.empty());
      }
    }
    String failure;
    try {
      byte[] bytes;
      String etag = "";
      String lastModified = "";
      if (location.remote()) {
        URI uri = location.uri().orElseThrow();
        throttle(uri, source.throttle());
        Map<String, String> headers = new LinkedHashMap<>(source.headers());
        if (meta.isPresent()) {
          if (!meta.get().etag().isEmpty()) {
            headers.put("If-None-Match", meta.get().etag());
          }
          if (!meta.get().lastModified().isEmpty()) {
            headers.put("If-Modified-Since", meta.get().lastModified());
          }
        }
        try (HttpFetcher.Response response = http.get(uri, headers, maxBytes)) {
          if (response.status() == 304 && meta.isPresent()) {
            Optional<IptvPlaylist> cached = parseCached(body, location);
            if (cached.isPresent()) {
              writeMeta(metaFile, new Meta(source.url(), meta.get().etag(), meta.get().lastModified(), now));
              return new Result(source, Outcome.NOT_MODIFIED, cached, Optional.of(now), Optional.empty());
            }
          }
          if (response.status() < 200 || response.status() > 299) {
            throw new SourceException("HTTP " + response.status());
          }
          bytes = response.body().readAllBytes();
          etag = response.header("ETag").orElse("");
          lastModified = response.header("Last-Modified").orElse("");
        }
      } else {
        Path file = location.file().orElseThrow();
        if (Files.size(file) > maxBytes) {
          throw new SourceException("larger than the limit of " + maxBytes + " bytes");
        }
        bytes = Files.readAllBytes(file);
      }
      IptvPlaylist playlist = parse(bytes, location);
      writeAtomically(body, bytes);
      writeMeta(metaFile, new Meta(source.url(), etag, lastModified, now));
      return new Result(source, Outcome.FETCHED, Optional.of(playlist), Optional.of(now), Optional.empty());
    } catch (SourceException e) {
      failure = e.getMessage();
    } catch (NoSuchFileException e) {
      failure = "no such file";
    } catch (java.net.ConnectException e) {
      failure = "connection refused";
    } catch (java.net.http.HttpTimeoutException e) {
      failure = "timed out";
    } catch (IOException e) {
      failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    if (meta.isPresent()) {
      Optional<IptvPlaylist> cached = parseCached(body, location);
      if (cached.isPresent()) {
        String warning = location.describe() + ": " + failure + "; using the copy fetched at " + meta.get().fetchedAt();
        LOG.debug("event=iptv.source.stale source={} reason=\"{}\"", location.describe(), failure);
        return new Result(source, Outcome.STALE_CACHE, cached, Optional.of(meta.get().fetchedAt()), Optional.of(warning));
      }
    }
    return new Result(source, Outcome.FAILED, Optional.empty(), Optional.empty(),
        Optional.of("cannot read " + location.describe() + ": " + failure + ", and there is no cached copy"));
  }

  /** A failure with a sentence for the user. */
  private static final class SourceException extends IOException {
    SourceException(String message) {
      super(message);
    }
  }

  /** Parses a playlist, refusing what is not one: HTML error pages, JSON, empty bodies. */
  private IptvPlaylist parse(byte[] bytes, SourceLocation location) throws SourceException {
    String head = new String(bytes, 0, Math.min(bytes.length, 64 * 1024), StandardCharsets.UTF_8);
    if (head.startsWith("\uFEFF")) {
      head = head.substring(1);
    }
    String trimmed = head.stripLeading();
    if (!trimmed.regionMatches(true, 0, "#EXTM3U", 0, 7) && !head.toUpperCase(Locale.ROOT).contains("#EXTINF")) {
      throw new SourceException("the answer is not an M3U playlist" + (trimmed.startsWith("<") ? " (HTML or XML)" : ""));
    }
    ParseOptions options = ParseOptions.DEFAULTS.withMaxBytes(maxBytes);
    if (location.uri().isPresent()) {
      options = options.withBaseUri(location.uri().get());
    } else {
      options = options.withBaseUri(location.file().orElseThrow().toAbsolutePath().toUri());
    }
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      return IptvPlaylist.parse(new InputStreamReader(in, StandardCharsets.UTF_8), options);
    } catch (PlaylistParseException e) {
      throw new SourceException("not a readable playlist: " + e.getMessage());
    } catch (IOException e) {
      throw new SourceException(e.getMessage());
    }
  }

  private Optional<IptvPlaylist> parseCached(Path body, SourceLocation location) {
    try {
      return Optional.of(parse(Files.readAllBytes(body), location));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Waits until this source's host may be asked again, then books the next slot. */
  private void throttle(URI uri, Duration interval) throws IOException {
    if (interval == null || interval.isZero() || interval.isNegative()) {
      return;
    }
    String host = String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT);
    Instant now = clock.instant();
    // One atomic step books this request's slot and the next one, so two threads never share a slot.
    Instant[] booked = new Instant[1];
    nextRequestByHost.compute(host, (h, next) -> {
      booked[0] = next != null && next.isAfter(now) ? next : now;
      return booked[0].plus(interval);
    });
    Instant slot = booked[0];
    long waitMs = Duration.between(now, slot).toMillis();
    if (waitMs > 0) {
      try {
        Thread.sleep(waitMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the throttle of " + host, e);
      }
    }
  }

  /**
   * The cache metadata of one source.
   *
   * @param url the source as configured
   * @param etag the ETag of the cached copy, or empty
   * @param lastModified the Last-Modified of the cached copy, or empty
   * @param fetchedAt when the copy was last confirmed current
   */
  record Meta(String url, String etag, String lastModified, Instant fetchedAt) {}

  private static Optional<Meta> readMeta(Path file) {
    try {
      JsonNode node = JSON.readTree(file.toFile());
      return Optional.of(new Meta(node.path("url").asText(""), node.path("etag").asText(""),
          node.path("lastModified").asText(""), Instant.parse(node.path("fetchedAt").asText())));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void writeMeta(Path file, Meta meta) throws IOException {
    ObjectNode node = JSON.createObjectNode().put("url", meta.url()).put("etag", meta.etag())
        .put("lastModified", meta.lastModified()).put("fetchedAt", meta.fetchedAt().toString());
    writeAtomically(file, JSON.writeValueAsBytes(node));
  }

  /**
   * Writes to a temporary file beside the target, forces it to disk, renames it into place and forces
   * the folder, so a crash (kill -9 or power loss) leaves the old copy or the new one, never part of one.
   */
  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), TMP_PREFIX, TMP_SUFFIX);
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      forceFolder(target.getParent());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Forces a folder's entries (a rename) to disk; file systems that cannot open a folder are left as they are. */
  private static void forceFolder(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.debug("event=iptv.fsync_dir_skipped folder={} error=\"{}\"", dir, e.toString());
    }
  }

  /**
   * Deletes the temporary files of {@link #writeAtomically} that a killed run left in {@code dir}; only
   * those older than {@code minAge}, so a write in progress in another process (a {@code kanal channels
   * refresh} beside the server) is spared. Returns how many went.
   */
  static int removeStaleTemporaries(Path dir, Duration minAge, Instant now) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, TMP_PREFIX + "*" + TMP_SUFFIX)) {
      for (Path f : files) {
        try {
          if (Files.getLastModifiedTime(f).toInstant().plus(minAge).isBefore(now) && Files.deleteIfExists(f)) {
            removed++;
          }
        } catch (IOException e) {
          LOG.debug("event=iptv.tmp_not_removed file={} error=\"{}\"", f, e.toString());
        }
      }
    } catch (IOException e) {
      LOG.debug("event=iptv.tmp_not_listed folder={} error=\"{}\"", dir, e.toString());
    }
    if (removed > 0) {
      LOG.info("event=iptv.cleanup folder={} removed={}", dir, removed);
    }
    return removed;
  }
}
