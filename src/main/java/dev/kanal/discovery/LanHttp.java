package dev.kanal.discovery;

import dev.kanal.net.HttpFetcher;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GETs a small document (a UPnP description, {@code discover.json}) from a LAN device: no redirects,
 * no proxy, at most {@link #MAX_BYTES}, the whole exchange within {@link #DEADLINE}. The caller has
 * already checked that the URL names the address the announcement came from.
 */
final class LanHttp implements SsdpBrowser.Http {

  static final int MAX_BYTES = 64 * 1024;
  static final Duration DEADLINE = Duration.ofSeconds(4);

  private final HttpFetcher fetcher = HttpFetcher.createWithoutRedirects(Duration.ofSeconds(2), DEADLINE);
  private final ExecutorService readers = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("kanal-discovery-http-", 0).factory());

  @Override
  public Optional<byte[]> get(URI uri) {
    java.util.concurrent.atomic.AtomicReference<HttpFetcher.Response> open = new java.util.concurrent.atomic.AtomicReference<>();
    Future<Optional<byte[]>> read = readers.submit(() -> {
      try (HttpFetcher.Response response = fetcher.get(uri, Map.of("Accept", "*/*"), MAX_BYTES)) {
        open.set(response);
        if (response.status() != 200) {
          return Optional.<byte[]>empty();
        }
        try (InputStream body = response.body()) {
          return Optional.of(body.readAllBytes());
        }
      }
    });
    try {
      return read.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      org.slf4j.LoggerFactory.getLogger(LanHttp.class).debug("event=discovery.fetch.timeout url={}", uri);
      read.cancel(true);
      HttpFetcher.Response response = open.get();
      if (response != null) {
        try {
          response.close(); // a body that trickles in slowly: closing it ends the reader's wait
        } catch (java.io.IOException ignored) {
          // closing is all that is wanted
        }
      }
      return Optional.empty();
    } catch (ExecutionException e) {
      org.slf4j.LoggerFactory.getLogger(LanHttp.class).debug("event=discovery.fetch.failed url={} error=\"{}\"", uri,
          String.valueOf(e.getCause()));
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    readers.shutdownNow();
  }

}
