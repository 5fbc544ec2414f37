package dev.kanal.server;

import dev.kanal.relay.LiveRelay;
import dev.kanal.relay.RelayException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HLS live relay routes, all answered by one {@link LiveRelay} shared by every event loop:
 * {@code GET /live/{channel}/index.m3u8} (the channel's multivariant playlist, or its media playlist
 * when the source has no variants), {@code GET /live/{channel}/v{k}.m3u8}, {@code r{k}.m3u8},
 * {@code i{k}.m3u8} (variant, rendition and I-frame media playlists), and
 * {@code GET /live/{channel}/s/{token}.{ext}} (segments, keys, initialization sections).
 * Every answer carries {@code Access-Control-Allow-Origin: *}; errors are {@code {"error": ...}}.
 */
final class RelayRoutes {

  private static final Logger log = LoggerFactory.getLogger(RelayRoutes.class);
  private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9_.~-]{1,128}");
  private static final Pattern PLAYLIST = Pattern.compile("(index|[vri]\\d{1,4})\\.m3u8");
  private static final Pattern RESOURCE = Pattern.compile("[A-Za-z0-9_-]{1,8192}(\\.[a-z0-9]{1,5})?");

  private final LiveRelay relay;

  private RelayRoutes(LiveRelay relay) {
    this.relay = relay;
  }

  /** The routes over a relay made for {@code setup}, once per server. */
  static RelayRoutes create(Vertx vertx, LiveSetup setup, MeterRegistry registry) {
    return new RelayRoutes(LiveRelay.create(vertx, id -> setup.tv().catalog().find(id), setup.relay(), setup.secret(),
        registry));
  }

  /** Adds the relay's routes (and CORS preflight answers under {@code /live/{id}/}) to one event loop's router. */
  void mount(Router router) {
    router.options("/live/:channel/*").handler(ctx -> cors(ctx.response())
        .putHeader("Access-Control-Allow-Methods", "GET, OPTIONS")
        .putHeader("Access-Control-Allow-Headers", "Range")
        .putHeader("Access-Control-Max-Age", "86400")
        .setStatusCode(204).end());
    router.get("/live/:channel/s/:file").handler(this::resource);
    router.get("/live/:channel/:playlist").handler(this::playlist);
  }

  private static HttpServerResponse cors(HttpServerResponse response) {
    return response.putHeader("Access-Control-Allow-Origin", "*")
        .putHeader("Access-Control-Expose-Headers", "Content-Length, Content-Range");
  }

  private void playlist(RoutingContext ctx) {
    String channel = ctx.pathParam("channel");
    String name = ctx.pathParam("playlist");
    cors(ctx.response());
    if (!CHANNEL.matcher(channel).matches()) {
      error(ctx, new RelayException(404, "no channel with that id"));
      return;
    }
    if (!PLAYLIST.matcher(name).matches()) {
      ctx.next();
      return;
    }
    String viewer = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
    String agent = ctx.request().getHeader("User-Agent");
    viewer = viewer + "|" + (agent == null ? "" : Integer.toHexString(agent.hashCode()));
    String view = name.substring(0, name.length() - ".m3u8".length());
    Future<String> text = view.equals("index") ? relay.index(channel, viewer) : relay.playlist(channel, view, viewer);
    text.onComplete(ar -> {
      if (ar.failed()) {
        error(ctx, ar.cause());
        return;
      }
      if (!ctx.response().ended()) {
        ctx.response().putHeader("Content-Type", "application/vnd.apple.mpegurl")
            .putHeader("Cache-Control", "no-cache")
            .end(ar.result());
      }
    });
  }

  private void resource(RoutingContext ctx) {
    String channel = ctx.pathParam("channel");
    String file = ctx.pathParam("file");
    cors(ctx.response());
    if (!CHANNEL.matcher(channel).matches()) {
      error(ctx, new RelayException(404, "no channel with that id"));
      return;
    }
    if (!RESOURCE.matcher(file).matches()) {
      error(ctx, new RelayException(403, "invalid relay URL: forged, damaged, or made for another channel"));
      return;
    }
    relay.resource(channel, file, Optional.ofNullable(ctx.request().getHeader("Range")), ctx.response())
        .onFailure(e -> error(ctx, e));
  }

  private static void error(RoutingContext ctx, Throwable e) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    int status = e instanceof RelayException r ? r.status() : 500;
    if (!(e instanceof RelayException)) {
      log.error("event=relay.request.failed path={}", ctx.request().path(), e);
    }
    KanalServer.json(ctx, status, KanalServer.error(e instanceof RelayException ? e.getMessage() : "internal error"));
  }

  /** Stops the relay's timers and upstream client. */
  void close() {
    relay.close();
  }
}
