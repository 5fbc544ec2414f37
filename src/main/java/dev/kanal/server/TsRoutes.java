package dev.kanal.server;

import dev.kanal.iptv.Channel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /live/{id}.ts}: the channel as one continuous MPEG-TS (HDHomeRun clients, TVs), through
 * the shared {@link TsRelay}. The route is {@code /live/:file} and takes only names ending in
 * {@code .ts}; anything else, such as the relay's {@code /live/{id}/...} paths, goes on to other routes.
 * A query (Jellyfin adds {@code ?transcode=...} for HDHomeRun EXTEND models) is ignored.
 */
final class TsRoutes {

  private static final Logger log = LoggerFactory.getLogger(TsRoutes.class);

  private final LiveRoutes live;
  private final Optional<TsRelay> relay;
  private final long viewerBacklog;

  TsRoutes(LiveRoutes live, Optional<TsRelay> relay, long viewerBacklog) {
    this.live = live;
    this.relay = relay;
    this.viewerBacklog = viewerBacklog;
  }

  void mount(Router router) {
    router.get("/live/:file").handler(this::stream);
  }

  private void stream(RoutingContext ctx) {
    String file = ctx.pathParam("file");
    if (file == null || !file.endsWith(".ts")) {
      ctx.next();
      return;
    }
    String id = file.substring(0, file.length() - 3);
    Optional<Channel> channel = LiveRoutes.channel(live.live.tv().catalog(), id);
    if (channel.isEmpty()) {
      KanalServer.json(ctx, 404, KanalServer.error("no channel with id '" + LiveRoutes.clip(id) + "'"));
      return;
    }
    if (relay.isEmpty()) {
      KanalServer.json(ctx, 503, KanalServer.error("channel '" + channel.get().id() + "' cannot be streamed as .ts:"
          + " ffmpeg was not found (install it, or set ffmpeg.path)"));
      return;
    }
    Context context = Vertx.currentContext();
    TsViewer viewer = new TsViewer(context, ctx.response(), viewerBacklog);
    live.blocking.execute(() -> {
      try {
        viewer.joined(relay.get().join(channel.get(), viewer));
      } catch (TsRelay.JoinException e) {
        log.info("event=ts.refused channel={} status={} reason=\"{}\"", channel.get().id(), e.status, e.getMessage());
        context.runOnContext(v -> answer(ctx, e.status, e.getMessage()));
      } catch (RuntimeException e) {
        log.error("event=ts.failed channel={}", channel.get().id(), e);
        context.runOnContext(v -> answer(ctx, 500, "internal error"));
      }
    });
  }

  private static void answer(RoutingContext ctx, int status, String message) {
    if (!ctx.response().closed()) {
      KanalServer.json(ctx, status, KanalServer.error(message));
    }
  }
}
