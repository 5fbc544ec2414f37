package dev.kanal.server;

import dev.kanal.library.Video;
import dev.kanal.media.PackageStatus;
import dev.kanal.media.Packages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full packaging of library videos into an ABR ladder: {@code POST /api/videos/{id}/package} queues
 * a job (202), {@code GET} says where it stands, {@code DELETE} cancels it. Library lookups and job
 * requests run on virtual threads.
 */
final class PackageRoutes {

  private static final Logger log = LoggerFactory.getLogger(PackageRoutes.class);

  private final Vertx vertx;
  private final VideoLibrary videos;
  private final Packages packages;
  private final ExecutorService blocking;

  PackageRoutes(Vertx vertx, VideoLibrary videos, Packages packages, ExecutorService blocking) {
    this.vertx = vertx;
    this.videos = videos;
    this.packages = packages;
    this.blocking = blocking;
  }

  void mount(Router router) {
    router.post("/api/videos/:id/package").handler(this::request);
    router.get("/api/videos/:id/package").handler(this::status);
    router.delete("/api/videos/:id/package").handler(this::cancel);
  }

  /** The JSON of a status: {@code {videoId, state, progress, error?}}. */
  static JsonObject json(PackageStatus s) {
    JsonObject o = new JsonObject().put("videoId", s.videoId()).put("state", s.state()).put("progress", s.progress());
    s.error().ifPresent(e -> o.put("error", e));
    return o;
  }

  private record Outcome(int status, JsonObject body) {}

  private void request(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!MediaFileHandler.validId(id)) {
      notFound(ctx, id);
      return;
    }
    blocking(ctx, () -> {
      Optional<Video> video = videos.library().get(id);
      if (video.isEmpty()) {
        return new Outcome(404, KanalServer.error("no video with id '" + id + "'"));
      }
      if (video.get().status() != Video.Status.OK) {
        return new Outcome(409, KanalServer.error("video '" + id + "' cannot be packaged: "
            + (video.get().status() == Video.Status.BROKEN ? "it is broken (" + video.get().reason() + ")" : "it is not probed yet")));
      }
      try {
        return new Outcome(202, json(packages.request(id)));
      } catch (IllegalArgumentException e) {
        return new Outcome(404, KanalServer.error(e.getMessage()));
      } catch (IllegalStateException e) {
        return new Outcome(409, KanalServer.error(e.getMessage()));
      }
    }).onSuccess(o -> KanalServer.json(ctx, o.status(), o.body()));
  }

  private void status(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!MediaFileHandler.validId(id)) {
      notFound(ctx, id);
      return;
    }
    blocking(ctx, () -> videos.library().get(id).isPresent()
        ? new Outcome(200, json(packages.status(id)))
        : new Outcome(404, KanalServer.error("no video with id '" + id + "'")))
        .onSuccess(o -> KanalServer.json(ctx, o.status(), o.body()));
  }

  private void cancel(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!MediaFileHandler.validId(id)) {
      notFound(ctx, id);
      return;
    }
    blocking(ctx, () -> packages.cancel(id)
        ? new Outcome(200, json(packages.status(id)))
        : new Outcome(404, KanalServer.error("no queued or running packaging job for video '" + id + "'")))
        .onSuccess(o -> KanalServer.json(ctx, o.status(), o.body()));
  }

  private static void notFound(RoutingContext ctx, String id) {
    KanalServer.json(ctx, 404, KanalServer.error("no video with id '" + (id.length() > 140 ? id.substring(0, 140) + "..." : id) + "'"));
  }

  private <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
    return VirtualThreads.call(vertx, blocking, work).onFailure(t -> {
      log.error("event=api.failed path={} error=\"{}\"", ctx.request().path(), t.toString(), t);
      KanalServer.json(ctx, 500, KanalServer.error("internal error"));
    });
  }
}
