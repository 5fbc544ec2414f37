package dev.kanal.server;

import dev.kanal.iptv.Channel;
import dev.kanal.iptv.ChannelCatalog;
import dev.kanal.iptv.CheckStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live TV routes of {@link LiveSetup}, built once per server and mounted on every event loop's
 * router: {@code /api/channels} ({@link ChannelRoutes}), {@code /iptv/playlist.m3u} and
 * {@code /iptv/epg.xml} ({@link IptvRoutes}), {@code /live/{id}.ts} ({@link TsRoutes}, with the one
 * shared {@link TsRelay}) and the HDHomeRun emulation ({@link HdHomeRunRoutes}). Catalog work runs on
 * the server's virtual threads; the event loops only parse parameters and write answers.
 */
final class LiveRoutes implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LiveRoutes.class);
  /** Channel ids as the catalog makes them (URL-safe). */
  static final Pattern CHANNEL_ID = Pattern.compile("[A-Za-z0-9_.~-]{1,128}");

  final Vertx vertx;
  final LiveSetup live;
  final ExecutorService blocking;
  private final Supplier<String> serverUrl;
  private final Optional<TsRelay> relay;
  private final ChannelRoutes channels;
  private final IptvRoutes iptv;
  private final TsRoutes ts;
  private final HdHomeRunRoutes hdhomerun;

  /** The routes of a server that also mounts the HLS relay: {@code .ts} ffmpeg reads HLS sources through it. */
  LiveRoutes(Vertx vertx, LiveSetup live, ExecutorService blocking, Supplier<String> serverUrl, MeterRegistry registry) {
    this(vertx, live, blocking, serverUrl, registry,
        TsRelay.Limits.of(live.relay().gracePeriod(), live.relay().tuners()), true);
  }

  /**
   * The routes.
   *
   * @param viaRelay whether {@code /live/{id}/index.m3u8} (the HLS relay) is served at {@code serverUrl}, so the
   *     {@code .ts} ffmpeg reads HLS sources through it instead of from the upstream
   */
  LiveRoutes(Vertx vertx, LiveSetup live, ExecutorService blocking, Supplier<String> serverUrl, MeterRegistry registry,
      TsRelay.Limits limits, boolean viaRelay) {
    this.vertx = vertx;
    this.live = live;
    this.blocking = blocking;
    this.serverUrl = serverUrl;
    // ffmpeg reads the channel from this server's own HLS relay (/live/{id}/index.m3u8), on loopback.
    this.relay = live.ffmpeg().map(ffmpeg -> new TsRelay(ffmpeg, limits, registry, viaRelay
        ? Optional.of(channel -> loopback(serverUrl.get()) + "/live/"
            + java.net.URLEncoder.encode(channel.id(), java.nio.charset.StandardCharsets.UTF_8) + "/index.m3u8")
        : Optional.empty()));
    this.channels = new ChannelRoutes(this);
    this.iptv = new IptvRoutes(this);
    this.ts = new TsRoutes(this, relay, limits.viewerBacklog());
    this.hdhomerun = new HdHomeRunRoutes(this);
  }

  /** The server's URL with a wildcard bind address (0.0.0.0, ::) replaced by the loopback address. */
  static String loopback(String serverUrl) {
    return serverUrl.replace("://0.0.0.0:", "://127.0.0.1:").replace("://[::]:", "://[::1]:");
  }

  /** Adds the routes; before the web shell's catch-all, so they win. */
  void mount(Router router) {
    mount(router, RequestLimits.DEFAULTS);
  }

  /** Mounts the live TV routes; {@code limits} bound the bodies of {@code /api/sources}. */
  void mount(Router router, RequestLimits limits) {
    channels.mount(router);
    new SourceRoutes(this).mount(router, limits);
    iptv.mount(router);
    ts.mount(router);
    hdhomerun.mount(router);
  }

  /** The shared relay behind {@code /live/{id}.ts}; empty without ffmpeg. */
  Optional<TsRelay> relay() {
    return relay;
  }

  /**
   * The base URL the client used ({@link PublicUrl}), with the token path prefix when the request
   * came with a player's token in its URL, so the URLs it lists open without a login too.
   */
  String base(RoutingContext ctx) {
    return PublicUrl.of(ctx.request(), serverUrl.get()) + AuthHandler.prefix(ctx);
  }

  /** The relay's HLS URL of a channel: {@code {base}/live/{id}/index.m3u8}. */
  static String playlistUrl(String base, Channel channel) {
    return base + "/live/" + channel.id() + "/index.m3u8";
  }

  /** The single-stream URL of a channel: {@code {base}/live/{id}.ts}. */
  static String tsUrl(String base, Channel channel) {
    return base + "/live/" + channel.id() + ".ts";
  }

  /** A channel by id (ignoring case), never by name: URLs name ids. */
  static Optional<Channel> channel(ChannelCatalog catalog, String id) {
    if (id == null || !CHANNEL_ID.matcher(id).matches()) {
      return Optional.empty();
    }
    return catalog.find(id).filter(c -> c.id().equalsIgnoreCase(id));
  }

  /**
   * The channels a request asks for: {@code group} (any of a channel's groups, ignoring case and
   * width), {@code alive=1} (a source the health check found alive), and, when {@code query} is not
   * empty, search order.
   *
   * @throws BadRequest 404 for a group the catalog does not have
   */
  static List<Channel> select(ChannelCatalog catalog, Optional<String> group, boolean alive, String query)
      throws BadRequest {
    Optional<String> g = Optional.empty();
    if (group.isPresent()) {
      g = catalog.findGroup(group.get());
      if (g.isEmpty()) {
        throw new BadRequest(404, "no channel group '" + clip(group.get()) + "' (GET /api/channels/groups lists them)");
      }
    }
    List<Channel> list = query.isBlank() ? g.map(catalog::channels).orElse(catalog.channels()) : catalog.search(query, g);
    if (alive) {
      list = list.stream().filter(c -> c.status() == CheckStatus.ALIVE).toList();
    }
    return list;
  }

  /** A request that cannot be answered: a status and one sentence. */
  static final class BadRequest extends Exception {
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** An optional query parameter, empty when absent or blank. */
  static Optional<String> param(RoutingContext ctx, String name) {
    return Optional.ofNullable(ctx.request().getParam(name)).map(String::strip).filter(s -> !s.isEmpty());
  }

  /** A yes/no query parameter: {@code 1}, {@code true}, {@code yes}; absent, {@code 0}, {@code false}, {@code no}. */
  static boolean flag(RoutingContext ctx, String name) throws BadRequest {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return false;
    }
    return switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "1", "true", "yes" -> true;
      case "", "0", "false", "no" -> false;
      default -> throw new BadRequest(400, "query parameter '" + name + "' must be 1 or 0, was '" + clip(v) + "'");
    };
  }

  /** A whole-number query parameter within bounds. */
  static int integer(RoutingContext ctx, String name, int fallback, int min, int max) throws BadRequest {
    String value = ctx.request().getParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.strip());
      if (n < min || n > max) {
        throw new BadRequest(400, "query parameter '" + name + "' must be between " + min + " and " + max + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadRequest(400, "query parameter '" + name + "' must be a whole number, was '" + clip(value) + "'");
    }
  }

  static String clip(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  /** Runs {@code work} on a virtual thread; a failure answers 500 (logged), success continues on the event loop. */
  <T> Future<T> onVirtualThread(RoutingContext ctx, Callable<T> work) {
    return VirtualThreads.call(vertx, blocking, work).onFailure(t -> {
      if (t instanceof BadRequest bad) {
        KanalServer.json(ctx, bad.status, KanalServer.error(bad.getMessage()));
        return;
      }
      log.error("event=api.failed path={} error=\"{}\"", ctx.request().path(), t.toString(), t);
      KanalServer.json(ctx, 500, KanalServer.error("internal error"));
    });
  }

  /** Stops every {@code /live/{id}.ts} stream and its ffmpeg. */
  @Override
  public void close() {
    relay.ifPresent(TsRelay::close);
  }
}
