package dev.kanal.hls;

import dev.kanal.net.DeferredTls;
import dev.kanal.net.HostThrottle;
import dev.kanal.net.HttpFetcher;
import dev.kanal.net.SafeHeaders;
import dev.kanal.playlist.HlsByteRange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP for one recording: one client with its own cookie jar, the user's headers on every request
 * (playlists, keys, segments alike), a per-host throttle, a whole-request deadline (body included),
 * Content-Length checks, retries with exponential backoff and jitter, and segment metrics.
 */
final class HlsHttp implements AutoCloseable {

  /** Looked up on first use: initialising logging costs a CLI recording seconds of start-up. */
  private static Logger log() {
    return LoggerFactory.getLogger(HlsHttp.class);
  }

  /** Statuses that another attempt will not change. */
  private static final Set<Integer> FINAL_STATUSES = Set.of(400, 401, 403, 405, 407, 410, 451);
  /** Largest body accepted for a segment, key or initialization section. */
  static final long MAX_BODY = 1L << 30;

  /** What a request is for; segments and initialization sections are counted in the metrics. */
  enum Purpose { PLAYLIST, KEY, SEGMENT, INIT }

  /** A fetched body and the final URI after redirects. */
  record Body(URI uri, byte[] bytes, int attempts) {}

  /** A response with a status that is not a success. */
  static final class StatusException extends IOException {
    private final int status;

    StatusException(URI uri, int status) {
      super(uri + " answered HTTP " + status);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  /**
   * A TLS handshake refused over the server's certificate (not trusted by this Java runtime, expired,
   * or naming another host): another attempt would not change it.
   */
  static final class TlsException extends IOException {
    TlsException(URI uri, javax.net.ssl.SSLHandshakeException cause) {
      super(uri + ": TLS handshake failed: " + readable(cause.getMessage()), cause);
    }

    /** Whether the handshake failed over a certificate. */
    static boolean isCertificate(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof java.security.cert.CertificateException || t instanceof java.security.cert.CertPathValidatorException) {
          return true;
        }
      }
      return false;
    }

    /** The JDK's message without its alert name and inner exception class names. */
    static String readable(String message) {
      if (message == null || message.isBlank()) {
        return "no detail";
      }
      return message.replaceFirst("^\\([a-z_]+\\) ", "").replaceAll("(?:[a-z0-9_]+\\.)+[A-Za-z0-9_$]*Exception: ", "");
    }
  }

  /** A body that grew past the limit while it was read: another attempt would only read it again. */
  static final class TooLargeException extends IOException {
    TooLargeException(URI uri, long max) {
      super(uri + " is larger than the limit of " + max + " bytes");
    }
  }

  private final RecordOptions options;
  private final long maxBody;
  private final HttpClient client;
  private final ExecutorService executor;
  private final HostThrottle throttle;
  private final Backoff backoff;
  private final DownloadMetrics metrics;
  private final Map<String, String> headers;

  HlsHttp(RecordOptions options, DownloadMetrics metrics, RandomGenerator random) {
    this(options, metrics, random, MAX_BODY);
  }

  /** With another body limit than {@link #MAX_BODY} (tests). */
  HlsHttp(RecordOptions options, DownloadMetrics metrics, RandomGenerator random, long maxBody) {
    this.options = options;
    this.maxBody = maxBody;
    this.metrics = metrics;
    this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("hls-http-", 0).factory());
    this.client = DeferredTls.apply(HttpClient.newBuilder())
        .connectTimeout(options.connectTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
        .executor(executor)
        .build();
    this.throttle = new HostThrottle(options.throttle());
    this.backoff = new Backoff(options.backoff(), random);
    Map<String, String> all = new LinkedHashMap<>();
    all.put("User-Agent", HttpFetcher.DEFAULT_USER_AGENT);
    SafeHeaders.clean(options.headers()).forEach((k, v) -> {
      all.keySet().removeIf(existing -> existing.equalsIgnoreCase(k));
      all.put(k, v);
    });
    this.headers = Map.copyOf(all);
  }

  /**
   * Starts the one-time set-up of TLS (the JDK's trust store and cipher suites: 0.2 to 0.3 s of CPU,
   * which the first https connection needs; see {@link DeferredTls}) on a background thread, so that
   * it overlaps with the rest of a command's start-up. A failure is left for the first request to report.
   */
  static void warmUp() {
    Thread.ofPlatform().daemon().name("hls-tls-warm-up").start(() -> {
      try {
        javax.net.ssl.SSLContext.getDefault().getDefaultSSLParameters();
      } catch (java.security.NoSuchAlgorithmException | RuntimeException e) {
        // The client is built with the same default context and reports the problem then.
      }
    });
  }

  /** Fetches with retries; the last failure is thrown when every attempt failed. */
  Body fetch(URI uri, Optional<HlsByteRange> range, Purpose purpose) throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 1; attempt <= options.attempts(); attempt++) {
      if (attempt > 1) {
        Duration delay = backoff.delay(attempt - 1);
        log().debug("event=hls.retry uri={} attempt={} delayMs={} error=\"{}\"", uri, attempt, delay.toMillis(),
            last.getMessage());
        Thread.sleep(delay);
      }
      try {
        Body body = fetchOnce(uri, range, purpose);
        count(uri, purpose, "ok");
        return new Body(body.uri(), body.bytes(), attempt);
      } catch (IOException e) {
        last = e;
        boolean retry = attempt < options.attempts() && isRetryable(e);
        count(uri, purpose, retry ? "retry" : "failed");
        if (!retry) {
          break;
        }
      }
    }
    throw last;
  }

  /** Whether another attempt may succeed: I/O errors, timeouts, short bodies and most statuses. */
  static boolean isRetryable(IOException e) {
    if (e instanceof TooLargeException || e instanceof TlsException) {
      return false;
    }
    return !(e instanceof StatusException s) || !FINAL_STATUSES.contains(s.status());
  }

  /** One attempt: a GET (with a Range header for byte ranges), the whole body within the request timeout. */
  Body fetchOnce(URI uri, Optional<HlsByteRange> range, Purpose purpose) throws IOException, InterruptedException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IOException("only http and https URLs can be fetched: " + uri);
    }
    throttle.await(uri.getHost() == null ? "" : uri.getHost());
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(options.requestTimeout()).GET();
    if (scheme.equals("http")) {
      request.version(HttpClient.Version.HTTP_1_1);
    }
    headers.forEach(request::setHeader);
    if (purpose == Purpose.PLAYLIST) {
      request.setHeader("Accept-Encoding", "gzip");
    }
    range.ifPresent(r -> request.setHeader("Range", rangeHeader(r)));
    long start = System.nanoTime();
    CompletableFuture<HttpResponse<byte[]>> future;
    try {
      future = client.sendAsync(request.build(), info -> {
        OptionalLong length = info.headers().firstValueAsLong("Content-Length");
        if (length.isPresent() && length.getAsLong() > maxBody) {
          return HttpResponse.BodySubscribers.replacing(null);
        }
        // Without a Content-Length (or with one that lies) the body is counted as it comes: an endless
        // body stops at the limit instead of filling the heap until the request timeout.
        return new CappedBody(uri, maxBody);
      });
    } catch (IllegalArgumentException e) {
      throw new IOException("cannot fetch " + uri + ": " + e.getMessage(), e);
    }
    HttpResponse<byte[]> response;
    try {
      response = future.get(options.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new HttpTimeoutException("no complete answer from " + uri + " within " + options.requestTimeout().toMillis()
          + " ms");
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof TooLargeException tooLarge) {
        throw tooLarge;
      }
      if (cause instanceof javax.net.ssl.SSLHandshakeException tls) {
        // A certificate the runtime refuses stays refused; a handshake cut short may go through next time.
        throw TlsException.isCertificate(tls) ? new TlsException(uri, tls)
            : new IOException(uri + ": TLS handshake failed: " + TlsException.readable(tls.getMessage()), tls);
      }
      if (cause instanceof IOException io) {
        throw new IOException(uri + ": " + describe(io), io);
      }
      throw new IOException(uri + ": " + cause, cause);
    }
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw new StatusException(uri, status);
    }
    byte[] bytes = response.body();
    if (bytes == null) {
      throw new TooLargeException(uri, maxBody);
    }
    boolean gzip = response.headers().firstValue("Content-Encoding").map(v -> v.equalsIgnoreCase("gzip"))
        .orElse(false);
    OptionalLong contentLength = response.headers().firstValueAsLong("Content-Length");
    if (contentLength.isPresent() && contentLength.getAsLong() != bytes.length) {
      throw new IOException(uri + ": short body, " + bytes.length + " of " + contentLength.getAsLong() + " bytes");
    }
    if (gzip) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        bytes = in.readNBytes((int) Math.min(maxBody + 1, Integer.MAX_VALUE - 8));
      }
      if (bytes.length > maxBody) {
        throw new TooLargeException(uri, maxBody); // a gzip bomb
      }
    }
    if (range.isPresent()) {
      bytes = slice(uri, bytes, range.get(), status);
    }
    if (purpose == Purpose.SEGMENT || purpose == Purpose.INIT) {
      metrics.downloaded(uri, System.nanoTime() - start);
    }
    return new Body(response.uri(), bytes, 1);
  }

  /** {@link HttpResponse.BodySubscribers#ofByteArray()} that fails (and cancels the download) past {@code max} bytes. */
  static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final HttpResponse.BodySubscriber<byte[]> bytes = HttpResponse.BodySubscribers.ofByteArray();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final URI uri;
    private final long max;
    private Flow.Subscription subscription;
    private long count;

    CappedBody(URI uri, long max) {
      this.uri = uri;
      this.max = max;
      bytes.getBody().whenComplete((b, t) -> {
        if (t != null) {
          result.completeExceptionally(t);
        } else {
          result.complete(b);
        }
      });
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      bytes.onSubscribe(s);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        count += b.remaining();
      }
      if (count > max) {
        subscription.cancel();
        result.completeExceptionally(new TooLargeException(uri, max));
        return;
      }
      bytes.onNext(items);
    }

    @Override
    public void onError(Throwable t) {
      bytes.onError(t);
    }

    @Override
    public void onComplete() {
      bytes.onComplete();
    }
  }

  /** The Range header for a byte range: {@code bytes=offset-last}. */
  static String rangeHeader(HlsByteRange range) {
    return "bytes=" + range.offset() + "-" + (range.end() - 1);
  }

  /** A 206 body must be the range; a 200 body (server ignored Range) is cut to it. */
  static byte[] slice(URI uri, byte[] bytes, HlsByteRange range, int status) throws IOException {
    if (status == 206) {
      if (bytes.length != range.length()) {
        throw new IOException(uri + ": range " + range + " answered with " + bytes.length + " bytes");
      }
      return bytes;
    }
    if (bytes.length < range.end()) {
      throw new IOException(uri + " has " + bytes.length + " bytes, fewer than the range " + range + " needs");
    }
    return Arrays.copyOfRange(bytes, (int) range.offset(), (int) range.end());
  }

  private void count(URI uri, Purpose purpose, String outcome) {
    if (purpose == Purpose.SEGMENT || purpose == Purpose.INIT) {
      metrics.attempt(uri, outcome);
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** Header values from the command line or a playlist must never split a request. */
  static String sanitize(String value) {
    return SafeHeaders.value(value);
  }

  @Override
  public void close() {
    client.shutdownNow();
    executor.shutdownNow();
  }
}
