package dev.kanal.relay;

import dev.kanal.iptv.ChannelSource;
import dev.kanal.net.HttpFetcher;
import dev.kanal.net.SafeHeaders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Outgoing requests of the relay, on Vert.x's non-blocking HTTP client: every URL (and every
 * redirect target) passes {@link AddressGuard} first, off the event loop, and the connection goes to
 * the very address that was checked ({@link RequestOptions#setServer}) while Host and TLS SNI keep
 * the name, so a DNS answer that changes in between (rebinding) cannot slip through. Sends the
 * source's headers (sanitised: no CR/LF, no hop-by-hop or Host headers), never the viewer's.
 * Connect, idle and whole-request time limits; redirects followed by hand (at most 5).
 *
 * <p>Used only from the relay's own context.
 */
final class Upstream {

  /**
   * How one request is made.
   *
   * @param source the channel source whose headers and address policy apply
   * @param uri the absolute URL
   * @param kind the metric tag: playlist, segment or key
   * @param range the Range header to send
   */
  record Request(ChannelSource source, URI uri, String kind, Optional<String> range) {}

  /**
   * A successful answer, paused.
   *
   * @param uri the URL that answered, after redirects (the base of relative URIs in a playlist)
   * @param response the response, 2xx
   */
  record Opened(URI uri, HttpClientResponse response) {}

  static final int MAX_REDIRECTS = 5;
  static final long CONNECT_TIMEOUT_MILLIS = 5_000;
  static final long IDLE_TIMEOUT_MILLIS = 10_000;
  /** How long a checked DNS answer is reused. */
  static final long ADDRESS_TTL_NANOS = TimeUnit.SECONDS.toNanos(30);
  static final int MAX_ADDRESS_ENTRIES = 4096;

  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
  private static final Set<String> DROPPED = Set.of("host", "connection", "keep-alive", "proxy-connection",
      "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade", "content-length",
      "range", "accept-encoding", "expect", "http2-settings");

  private record Resolved(List<InetAddress> addresses, long expiresAt) {}

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final WorkerExecutor resolver;
  private final RelayMetrics metrics;
  /** Checked addresses by "allowPrivate|host"; touched only on the relay context. */
  private final Map<String, Resolved> addresses = new LinkedHashMap<>(64, 0.75f, true);

  Upstream(Vertx vertx, RelayMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.client = vertx.createHttpClient(new HttpClientOptions()
            .setName("kanal-relay-upstream")
            .setProtocolVersion(HttpVersion.HTTP_1_1)
            .setUseAlpn(false)
            .setKeepAlive(true)
            .setKeepAliveTimeout(30)
            .setDecompressionSupported(false)
            .setConnectTimeout((int) CONNECT_TIMEOUT_MILLIS)
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(32 * 1024)
            // Larger body chunks: fewer hand-offs to the viewers' event loops per segment.
            .setMaxChunkSize(64 * 1024)
            .setMaxRedirects(0),
        new PoolOptions().setHttp1MaxSize(32).setMaxWaitQueueSize(4096));
    this.resolver = vertx.createSharedWorkerExecutor("kanal-relay-dns", 4, 15, TimeUnit.SECONDS);
  }

  /**
   * Sends the request and answers the response with status 2xx, paused: the caller sets its handlers
   * and resumes. Fails with {@link RelayException} (403 refused by the guard, 404/502 for an upstream
   * status, 502 for a connection failure, 504 for a timeout).
   *
   * @param deadline {@code System.nanoTime()} after which the whole exchange is aborted; the caller
   *     enforces it on the body too
   */
  Future<Opened> open(Request r, long deadline) {
    return open(r, r.uri(), deadline, MAX_REDIRECTS);
  }

  private Future<Opened> open(Request r, URI uri, long deadline, int redirectsLeft) {
    return addresses(uri, r.source().allowPrivate()).compose(list -> {
      long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (remaining <= 0) {
        return Future.failedFuture(new RelayException(504, "timed out fetching " + AddressGuard.redact(uri)));
      }
      boolean https = uri.getScheme().equalsIgnoreCase("https");
      int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
      String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      RequestOptions options = new RequestOptions()
          .setMethod(HttpMethod.GET)
          .setHost(uri.getHost())
          .setPort(port)
          .setSsl(https)
          .setURI(path)
          .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(list.getFirst(), port)))
          .setFollowRedirects(false)
          .setConnectTimeout(Math.min(CONNECT_TIMEOUT_MILLIS, remaining))
          .setIdleTimeout(Math.min(IDLE_TIMEOUT_MILLIS, remaining));
      headers(r.source().headers()).forEach(options::putHeader);
      options.putHeader("Accept-Encoding", "identity");
      r.range().ifPresent(range -> options.putHeader("Range", range));
      metrics.upstreamRequest(r.kind());
      Promise<Opened> result = Promise.promise();
      client.request(options).onComplete(ar -> {
        if (ar.failed()) {
          result.fail(connectFailure(uri, ar.cause()));
          return;
        }
        HttpClientRequest request = ar.result();
        long timer = vertx.setTimer(Math.max(1, remaining), t -> request.reset(0,
            new TimeoutException("timed out fetching " + AddressGuard.redact(uri))));
        request.send().onComplete(sent -> {
          if (sent.failed()) {
            vertx.cancelTimer(timer);
            result.fail(connectFailure(uri, sent.cause()));
            return;
          }
          HttpClientResponse response = sent.result();
          response.pause();
          response.end().onComplete(done -> vertx.cancelTimer(timer));
          int status = response.statusCode();
          String location = response.getHeader("Location");
          if (status >= 300 && status < 400 && status != 304 && location != null) {
            Optional<URI> next = Urls.resolve(uri, location);
            discard(response);
            if (redirectsLeft <= 0) {
              result.fail(new RelayException(502, "too many redirects fetching " + AddressGuard.redact(r.uri())));
            } else if (next.isEmpty() || !Urls.isHttp(next.get())) {
              result.fail(new RelayException(403, "refused a redirect from " + AddressGuard.redact(uri)
                  + ": only http and https upstreams are relayed"));
            } else {
              open(r, next.get(), deadline, redirectsLeft - 1).onComplete(result);
            }
            return;
          }
          if (status < 200 || status > 299) {
            discard(response);
            // 404 and 410 pass on as 404 (gone upstream); anything else is a bad gateway.
            result.fail(new RelayException(status == 404 || status == 410 ? 404 : 502,
                "upstream answered " + status + " for " + AddressGuard.redact(uri)));
            return;
          }
          result.complete(new Opened(uri, response));
        });
      });
      return result.future();
    });
  }

  /** Reads and drops a small body so the connection can be reused; resets it when the body is large. */
  private static void discard(HttpClientResponse response) {
    long[] seen = {0};
    response.handler(b -> {
      seen[0] += b.length();
      if (seen[0] > 64 * 1024) {
        response.request().reset();
      }
    });
    response.exceptionHandler(e -> { });
    response.resume();
  }

  private static RelayException connectFailure(URI uri, Throwable cause) {
    if (cause instanceof RelayException r) {
      return r;
    }
    if (cause instanceof TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException
        || String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("timeout")
        || String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("timed out")) {
      return new RelayException(504, "timed out fetching " + AddressGuard.redact(uri));
    }
    return new RelayException(502, "cannot fetch " + AddressGuard.redact(uri) + ": " + simpleMessage(cause));
  }

  static String simpleMessage(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    // Never echo a query string (tokens ride there) or a line break.
    m = m.replaceAll("\\?[^\\s]*", "").replaceAll("[\\r\\n]+", " ");
    return m.length() > 200 ? m.substring(0, 200) : m;
  }

  /** The checked addresses of the URL's host, from the cache or resolved on a worker thread. */
  private Future<List<InetAddress>> addresses(URI uri, boolean allowPrivate) {
    if (!Urls.isHttp(uri)) {
      return Future.failedFuture(new RelayException(403,
          "refused " + AddressGuard.redact(uri) + ": only http and https upstreams are relayed"));
    }
    String key = allowPrivate + "|" + uri.getScheme().toLowerCase(Locale.ROOT) + "|" + uri.getHost().toLowerCase(Locale.ROOT);
    Resolved hit = addresses.get(key);
    if (hit != null && hit.expiresAt() - System.nanoTime() > 0) {
      return Future.succeededFuture(hit.addresses());
    }
    Context context = vertx.getOrCreateContext();
    return resolver.<List<InetAddress>>executeBlocking(() -> AddressGuard.resolve(uri, allowPrivate), false)
        .transform(ar -> {
          if (ar.failed()) {
            Throwable e = ar.cause();
            return Future.failedFuture(e instanceof AddressGuard.RefusedException
                ? new RelayException(403, e.getMessage())
                : new RelayException(502, "cannot resolve " + AddressGuard.redact(uri)));
          }
          if (ar.result().isEmpty()) {
            return Future.failedFuture(new RelayException(502, "cannot resolve " + AddressGuard.redact(uri)));
          }
          if (Vertx.currentContext() == context) {
            addresses.put(key, new Resolved(ar.result(), System.nanoTime() + ADDRESS_TTL_NANOS));
            if (addresses.size() > MAX_ADDRESS_ENTRIES) {
              addresses.remove(addresses.keySet().iterator().next());
            }
          }
          return Future.succeededFuture(ar.result());
        });
  }

  /** The headers to send for a source: valid names only, values without CR, LF or NUL, a User-Agent. */
  static Map<String, String> headers(Map<String, String> source) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("User-Agent", HttpFetcher.DEFAULT_USER_AGENT);
    source.forEach((name, value) -> {
      if (name == null || value == null || !TOKEN.matcher(name).matches()
          || DROPPED.contains(name.toLowerCase(Locale.ROOT)) || name.toLowerCase(Locale.ROOT).startsWith("proxy-")) {
        return;
      }
      String clean = sanitize(value);
      if (clean.length() > 4096) {
        return;
      }
      if (name.equalsIgnoreCase("User-Agent")) {
        out.remove("User-Agent");
      }
      out.put(name, clean);
    });
    return out;
  }

  /** A header value without CR, LF or NUL (each becomes a space), trimmed. */
  static String sanitize(String value) {
    return SafeHeaders.value(value);
  }

  /** Reads a whole body into memory, failing when it passes {@code maxBytes} or the deadline. */
  Future<Buffer> body(HttpClientResponse response, long maxBytes, long deadline, URI uri,
      java.util.function.Predicate<Buffer> firstBytesOk) {
    String length = response.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.strip()) > maxBytes) {
          response.exceptionHandler(e -> { });
          response.request().reset();
          return Future.failedFuture(new RelayException(502, AddressGuard.redact(uri) + " is larger than "
              + maxBytes + " bytes"));
        }
      } catch (NumberFormatException e) {
        // Ignore a malformed length: the count below still holds.
      }
    }
    Promise<Buffer> result = Promise.promise();
    Buffer all = Buffer.buffer();
    response.exceptionHandler(e -> result.tryFail(connectFailure(uri, e)));
    boolean[] checked = {false};
    long timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), t -> {
      if (result.tryFail(new RelayException(504, "timed out fetching " + AddressGuard.redact(uri)))) {
        response.request().reset();
      }
    });
    response.handler(b -> {
      metrics.received(b.length());
      all.appendBuffer(b);
      if (all.length() > maxBytes) {
        if (result.tryFail(new RelayException(502, AddressGuard.redact(uri) + " is larger than " + maxBytes + " bytes"))) {
          response.request().reset();
        }
        return;
      }
      if (!checked[0] && all.length() >= 16) {
        checked[0] = true;
        if (!firstBytesOk.test(all) && result.tryFail(new RelayException(502,
            AddressGuard.redact(uri) + " is not an HLS playlist"))) {
          response.request().reset();
        }
      }
    });
    response.exceptionHandler(e -> {
      vertx.cancelTimer(timer);
      result.tryFail(connectFailure(uri, e));
    });
    response.endHandler(v -> {
      vertx.cancelTimer(timer);
      if (!checked[0] && !firstBytesOk.test(all)) {
        result.tryFail(new RelayException(502, AddressGuard.redact(uri) + " is not an HLS playlist"));
      }
      result.tryComplete(all);
    });
    response.resume();
    return result.future();
  }

  void close() {
    client.close();
    resolver.close();
  }
}
