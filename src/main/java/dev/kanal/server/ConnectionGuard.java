package dev.kanal.server;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits on connections that Vert.x's options do not give (issue #13): {@code server.limits.maxConnections}
 * open connections over every event loop's server (a new connection beyond it is closed at once), and
 * {@code server.limits.headerTimeout}, the slowloris guard: a connection must deliver a complete request
 * line and headers within that time after it opened, and again after each response ends, or it is
 * closed, however many bytes keep trickling in (an idle timeout alone is reset by every byte). An idle
 * keep-alive connection therefore lasts at most the header timeout, as with Apache's and Node's
 * keep-alive timeouts. HTTP/2 connections are only counted: their streams are bounded by the idle timeout.
 */
final class ConnectionGuard implements Handler<HttpConnection> {

  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
  /** At most one log line about refused connections per this many milliseconds. */
  private static final long LOG_EVERY_MS = 10_000;

  private final Vertx vertx;
  private final int maxConnections;
  private final long headerTimeoutMs;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong lastLog = new AtomicLong();
  /** The header timer of each open connection; each entry is only touched on its connection's event loop. */
  private final Map<HttpConnection, Watch> watches = new ConcurrentHashMap<>();

  /** The header timer of one connection: armed while the server waits for a request's headers. */
  private static final class Watch {
    long timer = -1;
    boolean http2;
  }

  ConnectionGuard(Vertx vertx, int maxConnections, Duration headerTimeout) {
    this.vertx = vertx;
    this.maxConnections = maxConnections;
    this.headerTimeoutMs = Math.max(1, headerTimeout.toMillis());
  }

  /** Open connections right now (over every event loop). */
  int open() {
    return open.get();
  }

  /** A new connection: counted, refused beyond the cap, and given until the header timeout for its first request. */
  @Override
  public void handle(HttpConnection connection) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      long n = refused.incrementAndGet();
      long now = System.currentTimeMillis();
      long last = lastLog.get();
      if (now - last >= LOG_EVERY_MS && lastLog.compareAndSet(last, now)) {
        log.warn("event=server.connections.full max={} refused={}", maxConnections, n);
      }
      connection.close();
      return;
    }
    Watch watch = new Watch();
    watches.put(connection, watch);
    onClose(connection, () -> {
      open.decrementAndGet();
      Watch w = watches.remove(connection);
      if (w != null && w.timer >= 0) {
        vertx.cancelTimer(w.timer);
      }
    });
    arm(connection, watch);
  }

  /** Called for every request as soon as its headers are complete: the header timer stops. */
  void requestArrived(HttpServerRequest request) {
    Watch watch = watches.get(request.connection());
    if (watch == null) {
      return;
    }
    if (request.version() == HttpVersion.HTTP_2) {
      watch.http2 = true;
    }
    disarm(watch);
  }

  /**
   * A router handler: when the response ends, an HTTP/1.1 keep-alive connection has again the header
   * timeout to send its next request.
   */
  void rearmAfterResponse(RoutingContext ctx) {
    HttpConnection connection = ctx.request().connection();
    ctx.addEndHandler(done -> {
      Watch watch = watches.get(connection);
      if (watch != null && !watch.http2 && done.succeeded()) {
        arm(connection, watch);
      }
    });
    ctx.next();
  }

  private void arm(HttpConnection connection, Watch watch) {
    disarm(watch);
    watch.timer = vertx.setTimer(headerTimeoutMs, id -> {
      if (watch.timer == id) {
        watch.timer = -1;
        log.debug("event=server.header_timeout remote={} timeoutMs={}", connection.remoteAddress(), headerTimeoutMs);
        connection.close();
      }
    });
  }

  private void disarm(Watch watch) {
    if (watch.timer >= 0) {
      vertx.cancelTimer(watch.timer);
      watch.timer = -1;
    }
  }

  /**
   * Runs {@code action} once the connection is closed. The connection's single close handler is taken by
   * request metrics, so the close future of Vert.x's connection is used when there is one.
   */
  private static void onClose(HttpConnection connection, Runnable action) {
    if (connection instanceof ConnectionBase base) {
      base.closeFuture().onComplete(x -> action.run());
    } else {
      connection.closeHandler(v -> action.run());
    }
  }
}
