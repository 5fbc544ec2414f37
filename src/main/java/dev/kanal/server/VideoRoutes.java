package dev.kanal.server;

import dev.kanal.library.Library;
import dev.kanal.library.Thumbnails;
import dev.kanal.library.Video;
import dev.kanal.media.Packages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The video API: {@code GET /api/videos} (paging, search, sort), {@code GET /api/videos/{id}},
 * posters and thumbnail strips, {@code POST /api/library/scan}. Every database or ffmpeg call runs
 * on virtual threads; the event loop only parses parameters and writes answers.
 */
final class VideoRoutes {

  private static final Logger log = LoggerFactory.getLogger(VideoRoutes.class);
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  static final int MAX_OFFSET = 10_000_000;
  static final int MAX_QUERY = 200;

  private final Vertx vertx;
  private final VideoLibrary videos;
  private final ExecutorService blocking;
  /** Published packages (VOD HLS), which make a video's playback decision "packaged". */
  private final Optional<Packages> packages;

  VideoRoutes(Vertx vertx, VideoLibrary videos, ExecutorService blocking) {
    this(vertx, videos, blocking, Optional.empty());
  }

  VideoRoutes(Vertx vertx, VideoLibrary videos, ExecutorService blocking, Optional<Packages> packages) {
    this.vertx = vertx;
    this.videos = videos;
    this.blocking = blocking;
    this.packages = packages;
  }

  void mount(Router router) {
    router.get("/api/videos").handler(this::list);
    router.get("/api/videos/:id").handler(this::details);
    router.get("/api/videos/:id/poster.jpg").handler(ctx -> image(ctx, "poster"));
    router.get("/api/videos/:id/thumbnails.jpg").handler(ctx -> image(ctx, "sprite"));
    router.get("/api/videos/:id/thumbnails.vtt").handler(ctx -> image(ctx, "vtt"));
    router.get("/api/videos/:id/subtitles/:file").handler(this::subtitles);
    router.post("/api/library/scan").handler(ctx -> {
      videos.requestScan().run();
      KanalServer.json(ctx, 202, new JsonObject().put("status", "scan requested"));
    });
    router.get("/api/library").handler(ctx -> KanalServer.json(ctx, 200,
        new JsonObject().put("folders", videos.library().roots().size()).put("videos", videos.library().size())));
  }

  private void list(RoutingContext ctx) {
    String q;
    Video.Status status;
    Library.Sort sort;
    boolean descending;
    int offset;
    int limit;
    try {
      q = Optional.ofNullable(ctx.request().getParam("q")).orElse("");
      if (q.length() > MAX_QUERY) {
        throw new BadParameter("q", "must be at most " + MAX_QUERY + " characters");
      }
      status = choice(ctx, "status", null, Video.Status.class);
      sort = choice(ctx, "sort", Library.Sort.TITLE, Library.Sort.class);
      String order = Optional.ofNullable(ctx.request().getParam("order"))
          .orElse(sort == Library.Sort.ADDED ? "desc" : "asc").toLowerCase(Locale.ROOT);
      if (!order.equals("asc") && !order.equals("desc")) {
        throw new BadParameter("order", "must be asc or desc, was '" + order + "'");
      }
      descending = order.equals("desc");
      offset = integer(ctx, "offset", 0, 0, MAX_OFFSET);
      limit = integer(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    } catch (BadParameter e) {
      KanalServer.json(ctx, 400, KanalServer.error("query parameter '" + e.name + "' " + e.getMessage()));
      return;
    }
    blocking(ctx, () -> videos.library().list(q, status, sort, descending, offset, limit)).onSuccess(page -> {
      JsonArray items = new JsonArray();
      page.items().forEach(v -> items.add(VideoJson.summary(v)));
      KanalServer.json(ctx, 200, new JsonObject().put("items", items).put("total", page.total())
          .put("offset", offset).put("limit", limit));
    });
  }

  private void details(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!MediaFileHandler.validId(id)) {
      notFound(ctx, id);
      return;
    }
    blocking(ctx, () -> {
      Optional<Video> video = videos.library().get(id);
      boolean packaged = video.isPresent() && packages.isPresent() && packages.get().published(id).isPresent();
      return video.map(v -> {
        JsonObject details = VideoJson.details(v, packaged);
        // Full packaging (#8): {state, progress, error?} of the video's package.
        packages.ifPresent(p -> details.put("packaging", PackageRoutes.json(p.status(id))));
        return details;
      });
    }).onSuccess(details -> {
      if (details.isEmpty()) {
        notFound(ctx, id);
      } else {
        KanalServer.json(ctx, 200, details.get());
      }
    });
  }

  private void image(RoutingContext ctx, String kind) {
    String id = ctx.pathParam("id");
    if (!MediaFileHandler.validId(id)) {
      notFound(ctx, id);
      return;
    }
    blocking(ctx, () -> {
      Optional<Video> video = videos.library().get(id);
      // Pictures are made from the file, so it gets the same check as serving it: still a regular file
      // inside a library folder (a symlink to the outside swapped in after the scan is refused).
      if (video.isEmpty() || videos.library().file(id).isEmpty()) {
        return Optional.<Path>empty();
      }
      return switch (kind) {
        case "poster" -> videos.thumbnails().poster(video.get());
        case "sprite" -> videos.thumbnails().strip(video.get()).map(Thumbnails.Strip::sprite);
        default -> videos.thumbnails().strip(video.get()).map(Thumbnails.Strip::vtt);
      };
    }).onSuccess(file -> {
      if (file.isEmpty()) {
        KanalServer.json(ctx, 404, KanalServer.error("no " + (kind.equals("poster") ? "poster" : "thumbnails")
            + " for video '" + id + "' (unknown id, not probed yet, broken, or audio only)"));
        return;
      }
      ctx.response()
          .putHeader("Content-Type", kind.equals("vtt") ? "text/vtt; charset=utf-8" : "image/jpeg")
          .putHeader("Cache-Control", "public, max-age=86400")
          .sendFile(file.get().toString());
    });
  }

  /** {@code /api/videos/{id}/subtitles/{streamIndex}.vtt}: a text subtitle stream as WebVTT. */
  private void subtitles(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,3})\\.vtt").matcher(ctx.pathParam("file"));
    if (!MediaFileHandler.validId(id) || !m.matches()) {
      notFound(ctx, id);
      return;
    }
    int index = Integer.parseInt(m.group(1));
    blocking(ctx, () -> {
      Optional<Video> video = videos.library().get(id);
      if (video.isEmpty() || videos.library().file(id).isEmpty()) {
        return Optional.<Path>empty();
      }
      return videos.thumbnails().subtitles(video.get(), index);
    }).onSuccess(file -> {
      if (file.isEmpty()) {
        KanalServer.json(ctx, 404, KanalServer.error("video '" + id + "' has no text subtitle stream " + index));
        return;
      }
      ctx.response()
          .putHeader("Content-Type", "text/vtt; charset=utf-8")
          .putHeader("Cache-Control", "public, max-age=86400")
          .sendFile(file.get().toString());
    });
  }

  private static void notFound(RoutingContext ctx, String id) {
    KanalServer.json(ctx, 404, KanalServer.error("no video with id '" + (id.length() > 140 ? id.substring(0, 140) + "..." : id) + "'"));
  }

  /** Runs {@code work} on a virtual thread; a failure answers 500 (logged), success continues on the event loop. */
  private <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
    return VirtualThreads.call(vertx, blocking, work).onFailure(t -> {
      log.error("event=api.failed path={} error=\"{}\"", ctx.request().path(), t.toString(), t);
      KanalServer.json(ctx, 500, KanalServer.error("internal error"));
    });
  }

  private static final class BadParameter extends Exception {
    final String name;

    BadParameter(String name, String message) {
      super(message);
      this.name = name;
    }
  }

  private static <E extends Enum<E>> E choice(RoutingContext ctx, String name, E fallback, Class<E> type) throws BadParameter {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      StringBuilder allowed = new StringBuilder();
      for (E c : type.getEnumConstants()) {
        allowed.append(allowed.isEmpty() ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
      }
      throw new BadParameter(name, "must be one of " + allowed + "; was '" + clip(value) + "'");
    }
  }

  private static int integer(RoutingContext ctx, String name, int fallback, int min, int max) throws BadParameter {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw new BadParameter(name, "must be between " + min + " and " + max + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadParameter(name, "must be a whole number, was '" + clip(value) + "'");
    }
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
