package dev.kanal.server;

import dev.kanal.iptv.LiveTv;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Playlist sources for the settings page: {@code GET /api/sources}, {@code POST /api/sources}
 * ({@code {"url", "priority"?, "allowPrivate"?}}) and {@code DELETE /api/sources/{id}}. Sources from the
 * config file are listed but read-only; added ones live in {@code dataDir/iptv/added-sources.json}.
 * Answers never show credentials: user information and query strings of URLs are masked, and local
 * files are shown by name only.
 */
final class SourceRoutes {

  private static final int BODY_LIMIT = 16 * 1024;
  private static final Pattern ANY = Pattern.compile("(?s).{1,8192}");

  private final LiveRoutes live;
  private RequestLimits limits = RequestLimits.DEFAULTS;

  SourceRoutes(LiveRoutes live) {
    this.live = live;
  }

  void mount(Router router, RequestLimits limits) {
    this.limits = limits;
    long bodyLimit = limits.bodyLimit(BODY_LIMIT);
    router.get("/api/sources").handler(this::list);
    router.post("/api/sources").handler(limits.bodyHandler(BODY_LIMIT)).handler(this::add)
        .failureHandler(ctx -> {
          if (ctx.statusCode() == 413) {
            KanalServer.bodyTooLarge(ctx, bodyLimit);
          } else {
            KanalServer.json(ctx, 400, KanalServer.error("bad request"));
          }
        });
    router.delete("/api/sources/:id").handler(this::remove);
  }

  private LiveTv tv() {
    return live.live.tv();
  }

  private void list(RoutingContext ctx) {
    live.onVirtualThread(ctx, () -> {
      JsonArray items = new JsonArray();
      tv().sources().forEach(s -> items.add(json(s)));
      return new JsonObject().put("items", items).put("total", items.size());
    }).onSuccess(body -> KanalServer.json(ctx, 200, body));
  }

  /** What {@code POST /api/sources} asks for. */
  record SourceInput(String url, int priority, boolean allowPrivate) {}

  /** Reads a {@code POST /api/sources} body, or names the field that is wrong. */
  static SourceInput sourceInput(Buffer body) throws JsonInput.BadInput {
    return sourceInput(body, RequestLimits.DEFAULTS.maxJsonDepth());
  }

  /** As {@link #sourceInput(Buffer)}, refusing JSON nested deeper than {@code maxDepth}. */
  static SourceInput sourceInput(Buffer body, int maxDepth) throws JsonInput.BadInput {
    JsonInput in = JsonInput.object(body, false, maxDepth);
    String url = in.requireString("url", ANY, "a URL or an iptv-org: preset of at most 8192 characters");
    int priority = (int) in.optionalInteger("priority", -1000, 1000).orElse(0);
    boolean allowPrivate = in.optionalBoolean("allowPrivate").orElse(false);
    return new SourceInput(url, priority, allowPrivate);
  }

  private void add(RoutingContext ctx) {
    String url;
    int priority;
    boolean allowPrivate;
    try {
      SourceInput in = sourceInput(ctx.body().buffer(), limits.maxJsonDepth());
      url = in.url();
      priority = in.priority();
      allowPrivate = in.allowPrivate();
    } catch (JsonInput.BadInput e) {
      KanalServer.json(ctx, 400, KanalServer.error(e.sentence()).put("field", e.field));
      return;
    }
    live.onVirtualThread(ctx, () -> {
      try {
        return Optional.of(tv().addSource(url, priority, allowPrivate));
      } catch (IllegalArgumentException e) {
        throw new LiveRoutes.BadRequest(400, "'url' " + e.getMessage());
      } catch (UnsupportedOperationException e) {
        throw new LiveRoutes.BadRequest(409, "sources cannot be added to this server's catalog");
      }
    }).onSuccess(added -> KanalServer.json(ctx, 201, json(added.orElseThrow())));
  }

  private void remove(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    live.onVirtualThread(ctx, () -> {
      Optional<LiveTv.SourceView> source = tv().sources().stream().filter(s -> id(s.url()).equals(id)).findFirst();
      if (source.isEmpty()) {
        throw new LiveRoutes.BadRequest(404, "no source with id '" + LiveRoutes.clip(id) + "'");
      }
      if (!source.get().added()) {
        throw new LiveRoutes.BadRequest(409, "this source is in the config file (iptv.sources): remove it there");
      }
      return tv().removeSource(source.get().url());
    }).onSuccess(removed -> ctx.response().setStatusCode(204).end());
  }

  private static JsonObject json(LiveTv.SourceView s) {
    return new JsonObject().put("id", id(s.url())).put("url", mask(s.url())).put("priority", s.priority())
        .put("enabled", s.enabled()).put("allowPrivate", s.allowPrivate()).put("origin", s.added() ? "added" : "config");
  }

  /** A stable id: the first 16 hex digits of the SHA-256 of the URL. */
  static String id(String url) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The URL without credentials: user information and the query become "…"; a local file, its name. */
  static String mask(String url) {
    String text = url.strip();
    if (text.regionMatches(true, 0, "iptv-org:", 0, 9)) {
      return text;
    }
    try {
      URI uri = new URI(text);
      if (uri.getScheme() != null && (uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
          && uri.getHost() != null) {
        return uri.getScheme() + "://" + (uri.getRawUserInfo() != null ? "…@" : "") + uri.getHost()
            + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + (uri.getRawPath() == null ? "" : uri.getRawPath())
            + (uri.getRawQuery() != null ? "?…" : "");
      }
    } catch (java.net.URISyntaxException e) {
      // a file name, shown by its last part below
    }
    String name = text.replace('\\', '/');
    return "file: " + name.substring(name.lastIndexOf('/') + 1);
  }
}
