package dev.kanal.server;

import dev.kanal.library.Library;
import dev.kanal.library.Video;
import dev.kanal.media.MediaToolException;
import dev.kanal.media.OnDemandHls;
import dev.kanal.media.PlaybackDecision;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VOD HLS of library videos: {@code GET /vod/{id}/master.m3u8} and what it links to. A video with a
 * published package is served from the package's folder (static files); every other video plays on
 * demand ({@link OnDemandHls}): {@code od-<signature>/index.m3u8} and {@code od-<signature>/<n>.ts},
 * where the signature changes with the file, so those URLs never change content. Lookups, ffmpeg and
 * file work run on virtual threads; files go out with zero-copy {@code sendFile}.
 *
 * <p>Caching: segments {@code public, max-age=31536000, immutable}; VOD media playlists and packaged
 * playlists {@code public, max-age=86400}; the on-demand multivariant playlist {@code no-cache} (it
 * changes when the file changes or a package is published). Playlists are gzipped for clients that
 * accept it, here, since the server's own compression is off.
 */
final class VodRoutes {

  private static final Logger log = LoggerFactory.getLogger(VodRoutes.class);
  static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
  static final String SEGMENT_CACHE = "public, max-age=31536000, immutable";
  static final String VOD_PLAYLIST_CACHE = "public, max-age=86400";
  private static final Pattern ON_DEMAND = Pattern.compile("od-([0-9a-f]{12})/(index\\.m3u8|(0|[1-9][0-9]{0,6})\\.ts)");
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  private final Vertx vertx;
  private final VideoLibrary videos;
  private final VodSetup setup;
  private final OnDemandHls engine;
  private final ExecutorService blocking;

  VodRoutes(Vertx vertx, VideoLibrary videos, VodSetup setup, OnDemandHls engine, ExecutorService blocking) {
    this.vertx = vertx;
    this.videos = videos;
    this.setup = setup;
    this.engine = engine;
    this.blocking = blocking;
  }

  /** Builds the on-demand engine over {@code setup.cacheDir()}. */
  static OnDemandHls engine(VodSetup setup) {
    try {
      return new OnDemandHls(setup.ffmpeg(), setup.ffprobe(), setup.cacheDir(), setup.config());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the VOD cache folder: " + e.getMessage(), e);
    }
  }

  void mount(Router router) {
    router.route("/vod/:id/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::handle);
  }

  /** A reply computed off the event loop. */
  private sealed interface Reply {
    record Json(int status, String message) implements Reply {}

    record Text(String body, String cacheControl, boolean gzip) implements Reply {}

    record File(Path path, String contentType, String cacheControl, boolean playlist) implements Reply {}
  }

  private void handle(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String prefix = "/vod/" + id + "/";
    String path = ctx.request().path();
    if (!MediaFileHandler.validId(id) || !path.startsWith(prefix)) {
      KanalServer.json(ctx, 404, KanalServer.error("no video with id '" + clip(id) + "'"));
      return;
    }
    String name = path.substring(prefix.length());
    boolean gzip = acceptsGzip(ctx.request().getHeader("Accept-Encoding"));
    VirtualThreads.call(vertx, blocking, () -> reply(id, name, gzip)).onComplete(done -> {
      if (done.failed()) {
        log.error("event=vod.failed video={} name={} error=\"{}\"", id, clip(name), done.cause().toString(), done.cause());
        KanalServer.json(ctx, 500, KanalServer.error("internal error"));
        return;
      }
      send(ctx, done.result(), gzip);
    });
  }

  private Reply reply(String id, String name, boolean gzip) throws Exception {
    Library library = videos.library();
    Optional<Video> found = library.get(id);
    if (found.isEmpty()) {
      return new Reply.Json(404, "no video with id '" + id + "'");
    }
    Video video = found.get();
    // A published package wins: its files, by names that exist under its folder, nothing else.
    Optional<Path> pack = setup.packages().published(id);
    if (pack.isPresent()) {
      Optional<Path> file = packaged(pack.get(), name);
      if (file.isPresent()) {
        Path f = file.get();
        boolean playlist = f.getFileName().toString().endsWith(".m3u8");
        return new Reply.File(f, contentType(f.getFileName().toString()), playlist ? VOD_PLAYLIST_CACHE : SEGMENT_CACHE,
            playlist);
      }
      if (!name.startsWith("od-")) {
        return new Reply.Json(404, "no file '" + clip(name) + "' in the package of video '" + id + "'");
      }
    }
    if (video.status() == Video.Status.PENDING || video.info() == null && video.status() != Video.Status.BROKEN) {
      return new Reply.Json(409, "video '" + id + "' has not been probed yet; try again in a moment");
    }
    if (video.status() == Video.Status.BROKEN) {
      return new Reply.Json(409, "video '" + id + "' cannot be played: " + (video.reason() == null ? "broken" : video.reason()));
    }
    Matcher m = ON_DEMAND.matcher(name);
    if (!name.equals("master.m3u8") && !m.matches()) {
      return new Reply.Json(404, "no such VOD resource: '" + clip(name) + "'");
    }
    Optional<Library.FileEntry> entry = library.file(id);
    if (entry.isEmpty()) {
      return new Reply.Json(404, "the file of video '" + id + "' is gone");
    }
    Library.FileEntry e = entry.get();
    // HLS never plays the file as it is: a file browsers could play directly is remuxed (or transcoded) here.
    PlaybackDecision decision = PlaybackDecision.decide(video.info(), "", false);
    OnDemandHls.Source source = new OnDemandHls.Source(id, e.path(), e.size(), e.modified(), video.info(), decision);
    if (name.equals("master.m3u8")) {
      engine.prefetch(source);
      return new Reply.Text(engine.masterPlaylist(source), "no-cache", gzip);
    }
    if (!m.group(1).equals(engine.signature(source))) {
      return new Reply.Json(404, "this rendition of video '" + id + "' is outdated (the file changed); reload master.m3u8");
    }
    OnDemandHls.Stream stream;
    try {
      stream = engine.stream(source);
    } catch (MediaToolException ex) {
      // ffmpeg's and ffprobe's messages name files: the detail goes to the log, never to the client.
      log.warn("event=vod.unsegmentable video={} error=\"{}\"", id, ex.getMessage());
      return new Reply.Json(422, "video '" + id + "' cannot be cut into segments (the server log says why)");
    }
    if (m.group(2).equals("index.m3u8")) {
      return new Reply.Text(stream.plan().mediaPlaylist(), VOD_PLAYLIST_CACHE, gzip);
    }
    int n = Integer.parseInt(m.group(3));
    if (n >= stream.plan().size()) {
      return new Reply.Json(404, "video '" + id + "' has " + stream.plan().size() + " segments; there is no segment " + n);
    }
    try {
      return new Reply.File(engine.segment(stream, n), "video/mp2t", SEGMENT_CACHE, false);
    } catch (MediaToolException ex) {
      log.warn("event=vod.segment.failed video={} segment={} error=\"{}\"", id, n, ex.getMessage());
      return new Reply.Json(500, "could not make segment " + n + " of video '" + id + "' (the server log says why)");
    }
  }

  /** The file {@code name} names under {@code root}, when it exists there (no '..', no symlink out). */
  static Optional<Path> packaged(Path root, String name) throws IOException {
    if (name.isEmpty() || name.length() > 512) {
      return Optional.empty();
    }
    String[] parts = name.split("/", -1);
    if (parts.length > 4) {
      return Optional.empty();
    }
    Path file = root;
    for (String part : parts) {
      if (!SAFE_NAME.matcher(part).matches() || part.equals("..") || part.startsWith(".")) {
        return Optional.empty();
      }
      file = file.resolve(part);
    }
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Path realRoot = root.toRealPath();
    Path real = file.toRealPath();
    if (!real.startsWith(realRoot) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    return Optional.of(real);
  }

  private void send(RoutingContext ctx, Reply reply, boolean gzip) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    switch (reply) {
      case Reply.Json j -> KanalServer.json(ctx, j.status(), KanalServer.error(j.message()));
      case Reply.Text t -> playlist(ctx, t.body().getBytes(StandardCharsets.UTF_8), t.cacheControl(), t.gzip());
      case Reply.File f when f.playlist() -> VirtualThreads.call(vertx, blocking, () -> Files.readAllBytes(f.path()))
          .onSuccess(bytes -> playlist(ctx, bytes, f.cacheControl(), gzip))
          .onFailure(t -> KanalServer.json(ctx, 404, KanalServer.error("the package file is gone")));
      case Reply.File f -> ctx.response()
          .putHeader("Content-Type", f.contentType())
          .putHeader("Cache-Control", f.cacheControl())
          .sendFile(f.path().toString())
          .onFailure(t -> {
            if (!ctx.response().headWritten()) {
              KanalServer.json(ctx, 404, KanalServer.error("the segment is gone; request it again"));
            }
          });
    }
  }

  private static void playlist(RoutingContext ctx, byte[] body, String cacheControl, boolean gzip) {
    ctx.response().putHeader("Content-Type", PLAYLIST_TYPE).putHeader("Cache-Control", cacheControl)
        .putHeader("Vary", "Accept-Encoding");
    if (gzip) {
      ctx.response().putHeader("Content-Encoding", "gzip");
      body = gzip(body);
    }
    ctx.response().end(Buffer.buffer(body));
  }

  static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Whether {@code Accept-Encoding} lists gzip with a non-zero quality. */
  static boolean acceptsGzip(String header) {
    if (header == null) {
      return false;
    }
    for (String part : header.split(",")) {
      String[] f = part.strip().split(";");
      if (f[0].strip().equalsIgnoreCase("gzip") || f[0].strip().equals("*")) {
        boolean zero = f.length > 1 && f[1].strip().replace(" ", "").matches("q=0(\\.0*)?");
        return !zero;
      }
    }
    return false;
  }

  static String contentType(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".m3u8")) {
      return PLAYLIST_TYPE;
    }
    if (n.endsWith(".ts")) {
      return "video/mp2t";
    }
    if (n.endsWith(".m4s")) {
      return "video/iso.segment";
    }
    if (n.endsWith(".mp4") || n.endsWith(".m4v")) {
      return "video/mp4";
    }
    if (n.endsWith(".m4a")) {
      return "audio/mp4";
    }
    if (n.endsWith(".aac")) {
      return "audio/aac";
    }
    if (n.endsWith(".vtt")) {
      return "text/vtt; charset=utf-8";
    }
    if (n.endsWith(".jpg")) {
      return "image/jpeg";
    }
    return "application/octet-stream";
  }

  /**
   * CORS for the API and media routes: answers preflight {@code OPTIONS} and adds
   * {@code Access-Control-Allow-Origin} for the configured origins ({@code *} for any).
   */
  static io.vertx.core.Handler<RoutingContext> cors(List<String> origins) {
    boolean any = origins.contains("*");
    return ctx -> {
      String origin = ctx.request().getHeader("Origin");
      boolean allowed = origin != null && (any || origins.contains(origin));
      var response = ctx.response();
      response.headers().add("Vary", "Origin");
      if (allowed) {
        response.putHeader("Access-Control-Allow-Origin", any ? "*" : origin)
            .putHeader("Access-Control-Expose-Headers", "Content-Length, Content-Range, Accept-Ranges, ETag");
      }
      if (ctx.request().method() == HttpMethod.OPTIONS && ctx.request().getHeader("Access-Control-Request-Method") != null) {
        if (!allowed) {
          KanalServer.json(ctx, 403, KanalServer.error("origin not allowed: add it to vod.corsOrigins"));
          return;
        }
        String headers = ctx.request().getHeader("Access-Control-Request-Headers");
        response.putHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS")
            .putHeader("Access-Control-Allow-Headers",
                headers == null || !headers.matches("[A-Za-z0-9, -]{1,512}") ? "Range, Content-Type" : headers)
            .putHeader("Access-Control-Max-Age", "86400")
            .setStatusCode(204).end();
        return;
      }
      ctx.next();
    };
  }

  private static String clip(String s) {
    return s == null ? "" : s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
