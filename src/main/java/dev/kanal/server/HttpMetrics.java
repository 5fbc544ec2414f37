package dev.kanal.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records every HTTP request as {@code http_server_requests_seconds} (method, route template,
 * status) and the requests in flight as {@code http_server_active_requests}. Routes are the
 * templates ({@code /media/:id/file}), never raw paths, so the label set stays bounded.
 */
final class HttpMetrics implements Handler<RoutingContext> {

  private final MeterRegistry registry;
  private final AtomicInteger active;

  HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.active = registry.gauge("http.server.active.requests", new AtomicInteger());
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    active.incrementAndGet();
    ctx.addEndHandler(done -> {
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
    });
    ctx.next();
  }
}
