package dev.kanal.server;

import dev.kanal.config.KanalConfig.LimitsConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: health, metrics, the web shell, byte serving of media files and, for the demo,
 * its generated content.
 * Routes of later capabilities are added here as they land. Start with {@link #start}, stop with
 * {@link #close}, which lets requests in flight finish for up to the shutdown timeout.
 */
public final class KanalServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KanalServer.class);

  /**
   * What the server needs.
   *
   * @param host the address to bind
   * @param port the port to bind; 0 picks a free one
   * @param version the version reported by {@code /api/health}
   * @param shutdownTimeout how long requests in flight may take to finish on shutdown
   * @param demoDir a folder served under {@code /demo/}, when the demo runs
   * @param mediaFiles the catalog behind {@code /media/{id}/file}; without one every id is unknown (404)
   * @param videos the video library behind {@code /api/videos}; without one the API lists nothing
   * @param live the live TV catalog and relay behind {@code /api/channels}, {@code /iptv/}, {@code /live/}
   *     and the HDHomeRun routes; without it those answer 404
   * @param playback the store behind {@code /api/progress}, {@code /api/sessions} and {@code /api/qoe};
   *     without it those answer 404
   * @param vod VOD HLS ({@code /vod/{id}/...}) and packaging of library videos; without it those answer 404
   * @param discovery LAN discovery: {@code /api/discovery} and {@code /device.xml} (SSDP's LOCATION); without it
   *     {@code /api/discovery} answers 404 and {@code /device.xml} comes with live TV only
   */
  public record Options(String host, int port, String version, Duration shutdownTimeout, Optional<Path> demoDir,
      Optional<MediaFiles> mediaFiles, Optional<VideoLibrary> videos, Optional<LiveSetup> live,
      Optional<PlaybackSetup> playback, Optional<VodSetup> vod, Optional<DiscoverySetup> discovery) {

    /** Options without LAN discovery. */
    public Options(String host, int port, String version, Duration shutdownTimeout, Optional<Path> demoDir,
        Optional<MediaFiles> mediaFiles, Optional<VideoLibrary> videos, Optional<LiveSetup> live,
        Optional<PlaybackSetup> playback, Optional<VodSetup> vod) {
      this(host, port, version, shutdownTimeout, demoDir, mediaFiles, videos, live, playback, vod, Optional.empty());
    }

    /** Options without VOD HLS. */
    public Options(String host, int port, String version, Duration shutdownTimeout, Optional<Path> demoDir,
        Optional<MediaFiles> mediaFiles, Optional<VideoLibrary> videos, Optional<LiveSetup> live,
        Optional<PlaybackSetup> playback) {
      this(host, port, version, shutdownTimeout, demoDir, mediaFiles, videos, live, playback, Optional.empty());
    }

    /** Options without playback state. */
    public Options(String host, int port, String version, Duration shutdownTimeout, Optional<Path> demoDir,
        Optional<MediaFiles> mediaFiles, Optional<VideoLibrary> videos, Optional<LiveSetup> live) {
      this(host, port, version, shutdownTimeout, demoDir, mediaFiles, videos, live, Optional.empty());
    }

    /** Options without live TV. */
    public Options(String host, int port, String version, Duration shutdownTimeout, Optional<Path> demoDir,
        Optional<MediaFiles> mediaFiles, Optional<VideoLibrary> videos) {
      this(host, port, version, shutdownTimeout, demoDir, mediaFiles, videos, Optional.empty());
    }

    /** Options without a video library. */
    public Options(String host, int port, String version, Duration shutdownTimeout, Optional<Path> demoDir,
        Optional<MediaFiles> mediaFiles) {
      this(host, port, version, shutdownTimeout, demoDir, mediaFiles, Optional.empty());
    }

    /** These options with {@code mediaFiles} serving {@code /media/{id}/file}. */
    public Options withMediaFiles(MediaFiles mediaFiles) {
      return new Options(host, port, version, shutdownTimeout, demoDir, Optional.of(mediaFiles), videos, live, playback, vod, discovery);
    }

    /** These options with live TV. */
    public Options withLive(LiveSetup setup) {
      return new Options(host, port, version, shutdownTimeout, demoDir, mediaFiles, videos, Optional.of(setup), playback, vod, discovery);
    }

    /** These options with playback state (progress, sessions, QoE). */
    public Options withPlayback(PlaybackSetup setup) {
      return new Options(host, port, version, shutdownTimeout, demoDir, mediaFiles, videos, live, Optional.of(setup), vod, discovery);
    }

    /** These options with LAN discovery ({@code /api/discovery}, {@code /device.xml}). */
    public Options withDiscovery(DiscoverySetup setup) {
      return new Options(host, port, version, shutdownTimeout, demoDir, mediaFiles, videos, live, playback, vod,
          Optional.of(setup));
    }

    /** These options with VOD HLS and packaging. */
    public Options withVod(VodSetup setup) {
      return new Options(host, port, version, shutdownTimeout, demoDir, mediaFiles, videos, live, playback, Optional.of(setup), discovery);
    }
  }

  /** Threads that look media files up, stat and open them, and read multipart chunks, off the event loop. */
  private static final int MEDIA_IO_THREADS = 16;
  /** Media lookups queued for those threads before new requests are answered 503. */
  private static final int MEDIA_MAX_PENDING = 4096;
  /** How often expired logins are dropped from the store. */
  private static final Duration LOGIN_SWEEP = Duration.ofMinutes(10);
  /** How long a media lookup may take before the request is answered 503. */
  private static final Duration MEDIA_LOOKUP_TIMEOUT = Duration.ofSeconds(10);

  private final Options options;
  private final Metrics metrics;
  /** Access control (issue #13); empty: every request acts for the user {@code default}. */
  private final Optional<AuthSetup> auth;
  /** The last router built, for tests that walk the route table. */
  private volatile Router lastRouter;
  /** What one client may send or hold ({@code server.limits}). */
  private final LimitsConfig limits;
  /** The route-level part of {@link #limits}: body size, JSON depth, ranges. */
  private final RequestLimits requestLimits;
  /** Counts connections over every event loop and closes those that trickle their headers. */
  private final ConnectionGuard connections;
  private final Vertx vertx;
  /** One HTTP server per core, each on its own event loop, sharing the port (like nginx's workers). */
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  /** Virtual threads for API work that blocks (database, ffmpeg for thumbnails). */
  private final java.util.concurrent.ExecutorService apiThreads = java.util.concurrent.Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("kanal-api-", 0).factory());
  /** The live TV routes and their ffmpeg sessions, shared by every event loop's router; built in listen(). */
  private volatile Optional<LiveRoutes> liveRoutes = Optional.empty();
  /** The HLS relay ({@code /live/{id}/...}): one engine shared by every event loop's router; built in listen(). */
  private volatile Optional<RelayRoutes> relayRoutes = Optional.empty();
  /** The web UI's page and assets. */
  private final WebUi webUi = WebUi.load();
  /** Progress, sessions and QoE, shared by every event loop's router; built in listen(). */
  private volatile Optional<PlaybackRoutes> playbackRoutes = Optional.empty();
  /** On-demand VOD HLS ({@code /vod/{id}/...}) and its ffmpeg jobs, shared by every router; built in listen(). */
  private volatile Optional<dev.kanal.media.OnDemandHls> vodEngine = Optional.empty();
  private volatile Optional<VodRoutes> vodRoutes = Optional.empty();
  /** Packaging jobs ({@code /api/videos/{id}/package}), shared by every router; built in listen(). */
  private volatile Optional<PackageRoutes> packageRoutes = Optional.empty();

  private KanalServer(Options options, Metrics metrics, LimitsConfig limits, Optional<AuthSetup> auth) {
    this.options = options;
    this.metrics = metrics;
    this.auth = auth;
    this.limits = limits;
    this.requestLimits = RequestLimits.of(limits);
    this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(false));
    this.connections = new ConnectionGuard(vertx, limits.maxConnections(), limits.headerTimeout());
  }

  /** Binds the server with the default {@code server.limits} and no access control; see {@link #start(Options, Metrics, LimitsConfig, Optional)}. */
  public static KanalServer start(Options options, Metrics metrics) throws ServerStartException {
    return start(options, metrics, LimitsConfig.defaults(), Optional.empty());
  }

  /** Binds the server with {@code limits} and no access control. */
  public static KanalServer start(Options options, Metrics metrics, LimitsConfig limits) throws ServerStartException {
    return start(options, metrics, limits, Optional.empty());
  }

  /** Binds the server with the default {@code server.limits} and access control, when given. */
  public static KanalServer start(Options options, Metrics metrics, Optional<AuthSetup> auth) throws ServerStartException {
    return start(options, metrics, LimitsConfig.defaults(), auth);
  }

  /**
   * Binds the server, enforcing {@code limits} on every client and, when given, access control
   * ({@link AuthSetup}); throws {@link ServerStartException} with a user-facing sentence when it cannot.
   */
  public static KanalServer start(Options options, Metrics metrics, LimitsConfig limits, Optional<AuthSetup> auth)
      throws ServerStartException {
    KanalServer s = new KanalServer(options, metrics, limits, auth);
    try {
      s.listen();
      return s;
    } catch (ServerStartException e) {
      s.liveRoutes.ifPresent(LiveRoutes::close);
      s.playbackRoutes.ifPresent(PlaybackRoutes::close);
      s.vodEngine.ifPresent(dev.kanal.media.OnDemandHls::close);
      s.vertx.close();
      s.apiThreads.shutdownNow();
      throw e;
    }
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return servers.getFirst().actualPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String url() {
    String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    return "http://" + host + ":" + port();
  }

  private void listen() throws ServerStartException {
    // Shared by every server instance (both are thread-safe); each instance gets its own router,
    // since vertx-web's StaticHandler caches are not safe across event loops.
    HttpMetrics httpMetrics = new HttpMetrics(metrics.registry());
    MediaFileHandler media = new MediaFileHandler(vertx, options.mediaFiles().orElse(id -> Optional.empty()),
        vertx.createSharedWorkerExecutor("kanal-media-io", MEDIA_IO_THREADS), MEDIA_MAX_PENDING, MEDIA_LOOKUP_TIMEOUT,
        requestLimits.maxRanges());
    Optional<VideoRoutes> videoRoutes = options.videos().map(v -> new VideoRoutes(vertx, v, apiThreads,
        options.vod().map(VodSetup::packages)));
    liveRoutes = options.live().map(l -> new LiveRoutes(vertx, l, apiThreads, this::url, metrics.registry()));
    relayRoutes = options.live().map(l -> RelayRoutes.create(vertx, l, metrics.registry()));
    playbackRoutes = options.playback().map(p -> new PlaybackRoutes(vertx, p, options.videos(), apiThreads, metrics.registry()));
    if (options.vod().isPresent() && options.videos().isPresent()) {
      vodEngine = Optional.of(VodRoutes.engine(options.vod().get()));
      vodRoutes = Optional.of(new VodRoutes(vertx, options.videos().get(), options.vod().get(), vodEngine.get(), apiThreads));
      packageRoutes = Optional.of(new PackageRoutes(vertx, options.videos().get(), options.vod().get().packages(), apiThreads));
    }
    HttpServerOptions httpOptions = new HttpServerOptions()
        .setHost(options.host())
        .setPort(options.port())
        // No compression: with it Vert.x puts a compressor on every connection and sendFile falls back
        // from zero-copy to an 8 KiB copy loop (and would gzip video). Put nginx in front to compress text.
        .setCompressionSupported(false)
        // server.limits: a longer request line is 414, larger headers 431 (Vert.x answers both and closes);
        // a connection with no traffic either way is closed after the idle timeout.
        .setMaxInitialLineLength(limits.maxUrlLength())
        .setMaxHeaderSize((int) Math.min(Integer.MAX_VALUE, limits.maxHeaderSize().bytes()))
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, limits.idleTimeout().toMillis()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    // One server per core shares the socket, like nginx's workers: Vert.x hands each new connection
    // to the next of them. A negative port is Vert.x's "one free port, shared by all of them".
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    int port = options.port() == 0 ? -1 : options.port();
    try {
      for (int i = 0; i < instances; i++) {
        deployListener(() -> router(httpMetrics, media, videoRoutes, liveRoutes), httpOptions, port)
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("Address already in use")) {
        throw new ServerStartException("port " + options.port() + " on " + options.host()
            + " is already in use: stop the other program or choose another port with --port", cause);
      }
      throw new ServerStartException("cannot listen on " + options.host() + ":" + options.port() + ": "
          + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new ServerStartException("timed out binding " + options.host() + ":" + options.port(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerStartException("interrupted while starting", e);
    }
    auth.ifPresent(a -> vertx.setPeriodic(LOGIN_SWEEP.toMillis(), id -> apiThreads.execute(() -> {
      try {
        a.accounts().sweep();
      } catch (dev.kanal.store.StoreException | RuntimeException e) {
        log.warn("event=auth.sweep.failed error=\"{}\"", e.getMessage());
      }
    })));
    log.info("event=server.started url={} version={} auth={}", url(), options.version(),
        auth.map(a -> a.required() ? "required" : "off").orElse("off"));
  }

  private Future<String> deployListener(Supplier<Router> router, HttpServerOptions httpOptions, int port) {
    return vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        Router r = router.get();
        return vertx.createHttpServer(httpOptions).connectionHandler(connections).requestHandler(request -> {
          connections.requestArrived(request);
          if (tooLarge(request.getHeader("Content-Length"))) {
            // Every route: those that read no body must not be made to swallow one either.
            request.response().setStatusCode(413).putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Connection", "close")
                .end(error("the request body is larger than " + requestLimits.maxBodySize() + " bytes").encode())
                .onComplete(done -> request.connection().close());
            return;
          }
          // Vert.x Web logs a stack trace for every path with a bad %-escape (e.g. "%u002e");
          // such a request is answered 400 here, before routing, as nginx does.
          if (!validEscapes(request.path())) {
            request.response().setStatusCode(400).putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Connection", "close").end(error("bad request: malformed %-escape in the path").encode());
            return;
          }
          r.handle(request);
        }).listen(port, options.host())
            .onSuccess(servers::add);
      }
    });
  }

  private Router router(HttpMetrics httpMetrics, MediaFileHandler media, Optional<VideoRoutes> videoRoutes,
      Optional<LiveRoutes> live) {
    Router router = Router.router(vertx);
    router.route().handler(connections::rearmAfterResponse);
    router.route().handler(httpMetrics);
    // Access control first: only AccessPolicy's public routes answer without credentials (issue #13).
    auth.filter(AuthSetup::required).ifPresent(a -> router.route().handler(new AuthHandler(vertx, a, apiThreads)));
    List<String> corsOrigins = options.vod().map(v -> v.config().corsOrigins()).orElse(List.of());
    if (corsOrigins != null && !corsOrigins.isEmpty()) {
      var cors = VodRoutes.cors(corsOrigins);
      router.route("/api/*").handler(cors);
      router.route("/media/*").handler(cors);
      router.route("/vod/*").handler(cors);
    }
    router.get("/api/health").handler(ctx -> json(ctx, 200,
        new JsonObject().put("status", "ok").put("version", options.version())));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.registry().scrape()));
    auth.ifPresent(a -> new AuthRoutes(vertx, a, apiThreads, ctx -> PublicUrl.of(ctx.request(), url())).mount(router));
    videoRoutes.ifPresent(routes -> routes.mount(router));
    // Before the live routes: its /device.xml carries the configured friendly name.
    options.discovery().ifPresent(d -> new DiscoveryRoutes(d, this::url).mount(router));
    live.ifPresent(routes -> routes.mount(router, requestLimits));
    relayRoutes.ifPresent(routes -> routes.mount(router));
    playbackRoutes.ifPresent(routes -> routes.mount(router, requestLimits));
    vodRoutes.ifPresent(routes -> routes.mount(router));
    packageRoutes.ifPresent(routes -> routes.mount(router));
    router.get("/media/:id/file").handler(media);
    router.head("/media/:id/file").handler(media);
    options.demoDir().ifPresent(dir -> router.route("/demo/*").handler(
        StaticHandler.create(io.vertx.ext.web.handler.FileSystemAccess.ROOT, dir.toAbsolutePath().toString())
            .setCachingEnabled(false)
            .setDirectoryListing(false)));
    webUi.mount(router);
    router.route("/*").handler(StaticHandler.create("web").setIndexPage("index.html"));
    router.route("/api/*").last().handler(ctx -> json(ctx, 404, error("no such API route: " + ctx.request().path())));
    router.errorHandler(500, ctx -> {
      log.error("event=request.failed method={} path={}", ctx.request().method(), ctx.request().path(), ctx.failure());
      json(ctx, 500, error("internal error"));
    });
    lastRouter = router;
    return router;
  }

  /** The routes of this server's routers (all alike), for tests that check every route's access. */
  List<io.vertx.ext.web.Route> routes() {
    return lastRouter.getRoutes();
  }

  /** Whether a {@code Content-Length} announces more than {@code server.limits.maxBodySize}. */
  private boolean tooLarge(String contentLength) {
    if (contentLength == null) {
      return false;
    }
    try {
      return Long.parseLong(contentLength.strip()) > requestLimits.maxBodySize();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Whether every '%' in {@code path} starts a two-hex-digit escape. */
  static boolean validEscapes(String path) {
    if (path == null) {
      return false;
    }
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0 || Character.digit(path.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  static JsonObject error(String message) {
    return new JsonObject().put("error", message);
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  /**
   * Answers a request whose body is over its limit with 413 and closes the connection once the answer is
   * written: the rest of the body is never read, so the connection cannot serve another request.
   */
  static void bodyTooLarge(RoutingContext ctx, long limit) {
    if (ctx.response().ended()) {
      ctx.request().connection().close();
      return;
    }
    ctx.response().setStatusCode(413)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Connection", "close")
        .end(error("the request body is larger than " + limit + " bytes").encode())
        .onComplete(done -> ctx.request().connection().close());
  }

  /** Stops accepting connections, lets requests in flight finish (up to the timeout), then stops. */
  @Override
  public void close() {
    long timeout = options.shutdownTimeout().toMillis();
    // Live .ts streams never end by themselves: stop them (and their ffmpeg) first, so shutdown does not wait on them.
    liveRoutes.ifPresent(LiveRoutes::close);
    relayRoutes.ifPresent(RelayRoutes::close);
    playbackRoutes.ifPresent(PlaybackRoutes::close);
    vodEngine.ifPresent(dev.kanal.media.OnDemandHls::close);
    try {
      if (!servers.isEmpty()) {
        Future.all(servers.stream().map(s -> s.shutdown(timeout, TimeUnit.MILLISECONDS)).toList())
            .toCompletionStage().toCompletableFuture().get(timeout + 1000, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("event=server.shutdown.slow message={}", e.toString());
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(timeout + 1000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.warn("event=vertx.close.slow message={}", e.toString());
      }
      apiThreads.shutdownNow();
      log.info("event=server.stopped");
    }
  }
}
