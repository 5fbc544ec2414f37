package dev.kanal.server;

import dev.kanal.auth.Accounts;
import dev.kanal.auth.Principal;
import dev.kanal.server.AccessPolicy.Need;
import dev.kanal.store.StoreException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every route when access control is on: finds who a request acts for and
 * whether {@link AccessPolicy} lets them, before any route runs. Credentials, in order: a token path
 * prefix {@code /t/{token}/...} (for players and tuners that cannot send headers; the rest of the
 * path is routed as usual, and URLs the answer lists carry the prefix), {@code Authorization: Bearer
 * {token}}, a {@code ?token=} query parameter, the login cookie. Nothing valid: 401; a credential that
 * may not do this: 403. Writes with a login cookie must come from this server's own pages: their
 * {@code Origin} (or {@code Referer}) must name the host the request was sent to (CSRF; the cookie
 * is also {@code SameSite=Strict}).
 */
final class AuthHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(AuthHandler.class);

  /** Context key of the {@link Principal}. */
  static final String PRINCIPAL = "kanal.auth.principal";
  /** Context key of the token path prefix ({@code /t/{token}}) that URLs in the answer must carry. */
  static final String PREFIX = "kanal.auth.prefix";
  /** Context key of a login's new expiry, when this request slid it (the cookie is sent again). */
  static final String EXTENDED = "kanal.auth.extended";
  /** The login cookie. */
  static final String COOKIE = "kanal_session";

  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final Vertx vertx;
  private final AuthSetup setup;
  private final ExecutorService blocking;

  AuthHandler(Vertx vertx, AuthSetup setup, ExecutorService blocking) {
    this.vertx = vertx;
    this.setup = setup;
    this.blocking = blocking;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    Principal known = ctx.get(PRINCIPAL);
    if (known == null && path.startsWith("/t/")) {
      viaPathPrefix(ctx, path);
      return;
    }
    Need need = AccessPolicy.of(ctx.request().method(), path);
    if (need == Need.PUBLIC) {
      ctx.next();
      return;
    }
    if (known != null) {
      authorize(ctx, known, need);
      return;
    }
    String authorization = ctx.request().getHeader("Authorization");
    String query = ctx.request().query() == null ? null : firstQueryToken(ctx);
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (authorization != null) {
      if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        unauthorized(ctx, "only 'Authorization: Bearer <token>' is understood here");
        return;
      }
      String token = authorization.substring(7).strip();
      lookUp(ctx, () -> setup.accounts().bearer(token).map(p -> new Found(p, Optional.empty())), need);
    } else if (query != null) {
      ctx.put(PREFIX, "/t/" + query);
      lookUp(ctx, () -> setup.accounts().bearer(query).map(p -> new Found(p, Optional.empty())), need);
    } else if (cookie != null) {
      lookUp(ctx, () -> setup.accounts().session(cookie.getValue())
          .map(s -> new Found(s.principal(), s.extendedTo().map(java.time.Instant::toEpochMilli))), need);
    } else {
      unauthorized(ctx, "log in first (POST /api/login), or send a token");
    }
  }

  /** {@code /t/{token}/rest}: the token proves who it is, then {@code /rest} is routed with it. */
  private void viaPathPrefix(RoutingContext ctx, String path) {
    int slash = path.indexOf('/', 3);
    String token = slash < 0 ? path.substring(3) : path.substring(3, slash);
    String rest = slash < 0 ? "/" : path.substring(slash);
    String query = ctx.request().query();
    pause(ctx);
    VirtualThreads.call(vertx, blocking, () -> setup.accounts().bearer(token)).onComplete(done -> {
      resume(ctx);
      if (done.failed()) {
        storeFailed(ctx, done.cause());
      } else if (done.result().isEmpty()) {
        unauthorized(ctx, "this link's token is not valid (revoked, or its user removed)");
      } else {
        ctx.put(PRINCIPAL, done.result().get());
        ctx.put(PREFIX, "/t/" + token);
        ctx.reroute(query == null || query.isEmpty() ? rest : rest + "?" + query);
      }
    });
  }

  private record Found(Principal principal, Optional<Long> extendedTo) {}

  @FunctionalInterface
  private interface Lookup {
    Optional<Found> run() throws StoreException;
  }

  private void lookUp(RoutingContext ctx, Lookup lookup, Need need) {
    pause(ctx);
    VirtualThreads.call(vertx, blocking, lookup::run).onComplete(done -> {
      resume(ctx);
      if (done.failed()) {
        storeFailed(ctx, done.cause());
      } else if (done.result().isEmpty()) {
        unauthorized(ctx, "the login or token is not valid (expired, revoked, or logged out): log in again");
      } else {
        done.result().get().extendedTo().ifPresent(at -> ctx.put(EXTENDED, at));
        authorize(ctx, done.result().get().principal(), need);
      }
    });
  }

  private void authorize(RoutingContext ctx, Principal p, Need need) {
    if (need == Need.USER && p.via() == Principal.Via.PLAYER_TOKEN || need == Need.ADMIN && p.via() == Principal.Via.PLAYER_TOKEN) {
      forbidden(ctx, "a player token opens media only (playlists, guide, streams, files)");
      return;
    }
    if (need == Need.ADMIN && !p.admin()) {
      forbidden(ctx, "only an admin may do this");
      return;
    }
    if (p.via() == Principal.Via.SESSION && !SAFE.contains(ctx.request().method()) && !sameOrigin(ctx)) {
      forbidden(ctx, "a write with a login cookie must come from this server's own page (Origin check)");
      return;
    }
    ctx.put(PRINCIPAL, p);
    Long extended = ctx.get(EXTENDED);
    if (extended != null) {
      ctx.response().headers().add("Set-Cookie", AuthRoutes.cookie(ctx, setup, ctx.request().getCookie(COOKIE).getValue(),
          setup.config().sessionTtl().toSeconds()));
    }
    ctx.next();
  }

  /** Whether the request's Origin (else Referer) names the host it was sent to. */
  static boolean sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null || origin.isEmpty() || origin.equals("null")) {
      origin = ctx.request().getHeader("Referer");
    }
    if (origin == null || origin.isEmpty()) {
      return false;
    }
    String authority;
    try {
      URI uri = new URI(origin.strip());
      if (uri.getRawAuthority() == null) {
        return false;
      }
      authority = normalise(uri.getScheme(), uri.getRawAuthority());
    } catch (java.net.URISyntaxException e) {
      return false;
    }
    // HTTP/2 has no Host header: its :authority is the request's authority.
    io.vertx.core.net.HostAndPort requested = ctx.request().authority();
    String own = requested == null ? null : requested.port() < 0 ? requested.host() : requested.host() + ":" + requested.port();
    for (String value : new String[] {ctx.request().getHeader("Host"), own, ctx.request().getHeader("X-Forwarded-Host")}) {
      if (value != null) {
        int comma = value.indexOf(',');
        String host = (comma < 0 ? value : value.substring(0, comma)).strip();
        if (normalise(null, host).equals(authority)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Lower case, without the scheme's default port. */
  private static String normalise(String scheme, String authority) {
    String a = authority.toLowerCase(Locale.ROOT);
    if (a.endsWith(":80") && (scheme == null || scheme.equalsIgnoreCase("http"))) {
      return a.substring(0, a.length() - 3);
    }
    if (a.endsWith(":443") && (scheme == null || scheme.equalsIgnoreCase("https"))) {
      return a.substring(0, a.length() - 4);
    }
    return a;
  }

  /** The {@code token} query parameter, when there is one. */
  private static String firstQueryToken(RoutingContext ctx) {
    String t = ctx.request().getParam("token");
    return t == null || t.isEmpty() ? null : t;
  }

  /** The user a request acts for, when access control is on and it proved one. */
  static Optional<Principal> principal(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(PRINCIPAL));
  }

  /** The token path prefix ({@code /t/{token}}) the URLs of the answer must carry, or {@code ""}. */
  static String prefix(RoutingContext ctx) {
    String p = ctx.get(PREFIX);
    return p == null ? "" : p;
  }

  private static void pause(RoutingContext ctx) {
    if (!ctx.request().isEnded()) {
      ctx.request().pause();
    }
  }

  private static void resume(RoutingContext ctx) {
    if (!ctx.request().isEnded()) {
      ctx.request().resume();
    }
  }

  private static void unauthorized(RoutingContext ctx, String message) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"kanal\"");
    KanalServer.json(ctx, 401, KanalServer.error(message));
  }

  private static void forbidden(RoutingContext ctx, String message) {
    KanalServer.json(ctx, 403, KanalServer.error(message));
  }

  private void storeFailed(RoutingContext ctx, Throwable t) {
    log.warn("event=auth.store.failed store={} path={} error=\"{}\"", setup.accounts().description(), ctx.request().path(),
        t.getMessage());
    KanalServer.json(ctx, 503, KanalServer.error("accounts are unavailable right now; try again"));
  }
}
