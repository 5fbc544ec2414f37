package dev.kanal.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records every HTTP request as {@code http_server_requests_seconds} (method, route template,
 * status) and the requests in flight as {@code http_server_active_requests}. Routes are the
 * templates ({@code /media/:id/file}), never raw paths, so the label set stays bounded.
 */
final class HttpMetrics implements Handler<RoutingContext> {

  private static final String COUNTED = "kanal.metrics.counted";

  private final MeterRegistry registry;
  private final AtomicInteger active;

  HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.active = registry.gauge("http.server.active.requests", new AtomicInteger());
  }

  @Override
  public void handle(RoutingContext ctx) {
    // A request rerouted (a token path prefix, AuthHandler) passes here again: it is counted once.
    if (ctx.get(COUNTED) != null) {
      ctx.next();
      return;
    }
    ctx.put(COUNTED, Boolean.TRUE);
    long start = System.nanoTime();
    active.incrementAndGet();
    boolean[] recorded = {false};
    Handler<AsyncResult<Void>> end = done -> {
      if (recorded[0]) {
        return;
      }
      recorded[0] = true;
      active.decrementAndGet();
      String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null
          ? (ctx.response().getStatusCode() == 404 ? "NOT_FOUND" : "UNMATCHED")
          : ctx.currentRoute().getPath();
      Timer.builder("http.server.requests")
          .description("HTTP requests served")
          .tag("method", ctx.request().method().name())
          .tag("route", route)
          .tag("status", Integer.toString(ctx.response().getStatusCode()))
          .tag("outcome", done.succeeded() ? "complete" : "aborted")
          .register(registry)
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    };
    ctx.addEndHandler(end);
    if (ctx.request().version() != HttpVersion.HTTP_2) {
      // Once sendFile has started, Vert.x no longer tells the response (so nor vertx-web's end handlers)
      // that the client went away; the connection's close is the backstop. HTTP/1 serves one response
      // at a time per connection, so the handler belongs to this request until it ends.
      ctx.request().connection().closeHandler(v -> end.handle(Future.failedFuture("connection closed")));
    }
    ctx.next();
  }
}
