package dev.kanal.server;

import dev.kanal.auth.AccountException;
import dev.kanal.auth.Accounts;
import dev.kanal.auth.LoginLimiter;
import dev.kanal.auth.Principal;
import dev.kanal.auth.Role;
import dev.kanal.auth.TokenKind;
import dev.kanal.server.JsonInput.BadInput;
import dev.kanal.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logins, users and tokens over HTTP (issue #13): {@code POST /api/login}, {@code POST /api/logout},
 * {@code GET /api/me}, {@code PUT /api/me/password}, {@code /api/users} (admins) and {@code /api/tokens}.
 * With access control off only {@code GET /api/me} exists, saying so. Which route needs what is
 * {@link AccessPolicy}'s table; these handlers only decide whose data a request may touch.
 */
final class AuthRoutes {

  private static final Logger log = LoggerFactory.getLogger(AuthRoutes.class);
  private static final int BODY_LIMIT = 16 * 1024;
  private static final Pattern ROLE = Pattern.compile("admin|user");
  private static final Pattern KIND = Pattern.compile("api|player");

  private final Vertx vertx;
  private final AuthSetup setup;
  private final ExecutorService blocking;
  private final LoginLimiter limiter;
  private final java.util.function.Function<RoutingContext, String> base;

  AuthRoutes(Vertx vertx, AuthSetup setup, ExecutorService blocking, java.util.function.Function<RoutingContext, String> base) {
    this.vertx = vertx;
    this.setup = setup;
    this.blocking = blocking;
    this.limiter = new LoginLimiter(setup.config().loginAttempts(), setup.config().loginWindow(), Clock.systemUTC());
    this.base = base;
  }

  void mount(Router router) {
    if (!setup.required()) {
      router.get("/api/me").handler(ctx -> KanalServer.json(ctx, 200, new JsonObject().put("user", PlaybackRoutes.DEFAULT_USER)
          .put("role", Role.ADMIN.label()).put("auth", false)));
      return;
    }
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    router.post("/api/login").handler(body).handler(this::login);
    router.post("/api/logout").handler(this::logout);
    router.get("/api/me").handler(this::me);
    router.put("/api/me/password").handler(body).handler(this::changePassword);
    router.get("/api/users").handler(this::users);
    router.post("/api/users").handler(body).handler(this::addUser);
    router.delete("/api/users/:name").handler(this::removeUser);
    router.put("/api/users/:name/password").handler(body).handler(this::resetPassword);
    router.get("/api/tokens").handler(this::tokens);
    router.post("/api/tokens").handler(body).handler(this::createToken);
    router.delete("/api/tokens/:id").handler(this::revokeToken);
  }

  // ---- login

  private void login(RoutingContext ctx) {
    if (ctx.request().getHeader("Origin") != null && !AuthHandler.sameOrigin(ctx)) {
      KanalServer.json(ctx, 403, KanalServer.error("a login must come from this server's own page (Origin check)"));
      return;
    }
    String name;
    String password;
    try {
      JsonInput in = JsonInput.object(ctx.body().buffer(), false);
      name = in.optionalText("user", 64).strip().toLowerCase(Locale.ROOT);
      password = in.optionalText("password", Accounts.MAX_PASSWORD);
      if (name.isEmpty()) {
        throw new BadInput("user", "is required");
      }
      if (password.isEmpty()) {
        throw new BadInput("password", "is required");
      }
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    String address = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
    // Names go to logs only when they are well-formed: a typed name may hold anything.
    String logged = Accounts.NAME.matcher(name).matches() ? name : "(invalid)";
    Optional<Duration> wait = limiter.blocked(address, name);
    if (wait.isPresent()) {
      long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
      log.warn("event=auth.login.limited address={} user={} retryAfter={}", address, logged, seconds);
      ctx.response().putHeader("Retry-After", Long.toString(seconds));
      KanalServer.json(ctx, 429, KanalServer.error("too many failed logins: try again in " + seconds + " s"));
      return;
    }
    call(ctx, () -> setup.accounts().login(name, password)).onSuccess(login -> {
      if (login.isEmpty()) {
        limiter.failed(address, name);
        log.info("event=auth.login.failed address={} user={}", address, logged);
        KanalServer.json(ctx, 401, KanalServer.error("wrong user name or password"));
        return;
      }
      limiter.succeeded(name);
      log.info("event=auth.login user={} address={}", name, address);
      ctx.response().putHeader("Set-Cookie", cookie(ctx, setup, login.get().secret(), setup.config().sessionTtl().toSeconds()));
      KanalServer.json(ctx, 200, me(login.get().principal()));
    });
  }

  private void logout(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(AuthHandler.COOKIE);
    ctx.response().putHeader("Set-Cookie", cookie(ctx, setup, "", 0));
    if (cookie == null) {
      ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
      return;
    }
    call(ctx, () -> {
      setup.accounts().logout(cookie.getValue());
      return true;
    }).onSuccess(ok -> ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end());
  }

  private void me(RoutingContext ctx) {
    KanalServer.json(ctx, 200, me(principal(ctx)));
  }

  private static JsonObject me(Principal p) {
    JsonObject out = new JsonObject().put("user", p.user()).put("role", p.role().label()).put("auth", true)
        .put("via", switch (p.via()) {
          case SESSION -> "session";
          case API_TOKEN -> "api";
          case PLAYER_TOKEN -> "player";
        });
    p.tokenId().ifPresent(id -> out.put("tokenId", id));
    return out;
  }

  private void changePassword(RoutingContext ctx) {
    Principal p = principal(ctx);
    String current;
    String next;
    try {
      JsonInput in = JsonInput.object(ctx.body().buffer(), false);
      current = in.optionalText("currentPassword", Accounts.MAX_PASSWORD);
      next = in.optionalText("password", Accounts.MAX_PASSWORD + 1);
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    call(ctx, () -> {
      setup.accounts().changePassword(p.user(), current, next);
      return true;
    }).onSuccess(ok -> {
      log.info("event=auth.password.changed user={} by={}", p.user(), p.user());
      ctx.response().putHeader("Set-Cookie", cookie(ctx, setup, "", 0));
      ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
    });
  }

  // ---- users (admins)

  private void users(RoutingContext ctx) {
    call(ctx, () -> setup.accounts().users()).onSuccess(users -> {
      JsonArray items = new JsonArray();
      users.forEach(u -> items.add(user(u)));
      KanalServer.json(ctx, 200, new JsonObject().put("items", items).put("total", items.size()));
    });
  }

  private void addUser(RoutingContext ctx) {
    String name;
    String password;
    Role role;
    try {
      JsonInput in = JsonInput.object(ctx.body().buffer(), false);
      name = in.optionalText("name", 64);
      password = in.optionalText("password", Accounts.MAX_PASSWORD + 1);
      role = Role.of(in.optionalString("role", ROLE, "admin or user").orElse("user")).orElseThrow();
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    Principal by = principal(ctx);
    call(ctx, () -> setup.accounts().addUser(name, password, role)).onSuccess(u -> {
      log.info("event=auth.user.added user={} role={} by={}", u.name(), u.role().label(), by.user());
      KanalServer.json(ctx, 201, user(u));
    });
  }

  private void removeUser(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    Principal by = principal(ctx);
    call(ctx, () -> {
      setup.accounts().removeUser(name);
      return true;
    }).onSuccess(ok -> {
      log.info("event=auth.user.removed user={} by={}", name, by.user());
      ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
    });
  }

  private void resetPassword(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    String password;
    try {
      password = JsonInput.object(ctx.body().buffer(), false).optionalText("password", Accounts.MAX_PASSWORD + 1);
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    Principal by = principal(ctx);
    call(ctx, () -> {
      setup.accounts().setPassword(name, password);
      return true;
    }).onSuccess(ok -> {
      log.info("event=auth.password.changed user={} by={}", name, by.user());
      ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
    });
  }

  // ---- tokens

  private void tokens(RoutingContext ctx) {
    Principal p = principal(ctx);
    boolean all = "1".equals(ctx.request().getParam("all")) && p.admin();
    call(ctx, () -> setup.accounts().tokens(all ? Optional.empty() : Optional.of(p.user()))).onSuccess(tokens -> {
      JsonArray items = new JsonArray();
      tokens.forEach(t -> items.add(token(t)));
      KanalServer.json(ctx, 200, new JsonObject().put("items", items).put("total", items.size()));
    });
  }

  private void createToken(RoutingContext ctx) {
    Principal p = principal(ctx);
    TokenKind kind;
    String label;
    Optional<String> forUser;
    try {
      JsonInput in = JsonInput.object(ctx.body().buffer(), true);
      kind = TokenKind.of(in.optionalString("kind", KIND, "api or player").orElse("player")).orElseThrow();
      label = in.optionalText("label", Accounts.MAX_LABEL);
      forUser = in.optionalString("user", Accounts.NAME, "a user name");
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    if (forUser.isPresent() && !forUser.get().equals(p.user()) && !p.admin()) {
      KanalServer.json(ctx, 403, KanalServer.error("only an admin may make tokens for another user"));
      return;
    }
    String owner = forUser.orElse(p.user());
    String url = base.apply(ctx);
    call(ctx, () -> setup.accounts().createToken(owner, kind, label)).onSuccess(t -> {
      log.info("event=auth.token.created id={} user={} kind={} by={}", t.info().id(), owner, kind.label(), p.user());
      JsonObject out = token(t.info()).put("token", t.secret());
      if (kind == TokenKind.PLAYER) {
        String prefixed = url + "/t/" + t.secret();
        out.put("playlistUrl", prefixed + "/iptv/playlist.m3u").put("epgUrl", prefixed + "/iptv/epg.xml")
            .put("hdhomerunUrl", prefixed);
      }
      KanalServer.json(ctx, 201, out);
    });
  }

  private void revokeToken(RoutingContext ctx) {
    Principal p = principal(ctx);
    String id = ctx.pathParam("id");
    call(ctx, () -> {
      Optional<Accounts.TokenInfo> t = setup.accounts().token(id);
      // Someone else's token is "not found" to a user: ids are no oracle.
      if (t.isEmpty() || !t.get().user().equals(p.user()) && !p.admin()) {
        return false;
      }
      return setup.accounts().revokeToken(id);
    }).onSuccess(revoked -> {
      if (!revoked) {
        KanalServer.json(ctx, 404, KanalServer.error("no token with id '" + JsonInput.clip(id, 40) + "'"));
        return;
      }
      log.info("event=auth.token.revoked id={} by={}", id, p.user());
      ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
    });
  }

  // ---- helpers

  /** The login cookie: HttpOnly, SameSite=Strict, Path=/, Secure per {@code server.auth.secureCookies}. */
  static String cookie(RoutingContext ctx, AuthSetup setup, String value, long maxAgeSeconds) {
    StringBuilder c = new StringBuilder(AuthHandler.COOKIE).append('=').append(value)
        .append("; Path=/; Max-Age=").append(maxAgeSeconds).append("; HttpOnly; SameSite=Strict");
    if (secure(ctx, setup.config().secureCookies())) {
      c.append("; Secure");
    }
    return c.toString();
  }

  private static boolean secure(RoutingContext ctx, String mode) {
    return switch (mode) {
      case "on" -> true;
      case "off" -> false;
      default -> {
        String proto = ctx.request().getHeader("X-Forwarded-Proto");
        int comma = proto == null ? -1 : proto.indexOf(',');
        String first = proto == null ? "" : (comma < 0 ? proto : proto.substring(0, comma)).strip();
        yield ctx.request().isSSL() || first.equalsIgnoreCase("https");
      }
    };
  }

  private static Principal principal(RoutingContext ctx) {
    return AuthHandler.principal(ctx).orElseThrow(() -> new IllegalStateException("no principal on " + ctx.normalizedPath()));
  }

  private static JsonObject user(Accounts.User u) {
    return new JsonObject().put("name", u.name()).put("role", u.role().label()).put("createdAt", u.createdAt().toString());
  }

  private static JsonObject token(Accounts.TokenInfo t) {
    return new JsonObject().put("id", t.id()).put("user", t.user()).put("kind", t.kind().label()).put("label", t.label())
        .put("createdAt", t.createdAt().toString());
  }

  private static void bad(RoutingContext ctx, BadInput e) {
    JsonObject body = KanalServer.error(e.sentence());
    if (!e.field.isEmpty()) {
      body.put("field", e.field);
    }
    KanalServer.json(ctx, 400, body);
  }

  /** Runs account work on a virtual thread: account errors become 400/404/409, a store failure 503. */
  private <T> Future<T> call(RoutingContext ctx, Callable<T> work) {
    return VirtualThreads.call(vertx, blocking, work).onFailure(t -> {
      if (t instanceof AccountException e) {
        int status = switch (e.reason()) {
          case BAD_INPUT -> 400;
          case NOT_FOUND -> 404;
          case CONFLICT -> 409;
        };
        JsonObject body = KanalServer.error(e.getMessage());
        if (!e.field().isEmpty()) {
          body.put("field", e.field());
        }
        KanalServer.json(ctx, status, body);
      } else if (t instanceof StoreException) {
        log.warn("event=auth.store.failed store={} path={} error=\"{}\"", setup.accounts().description(),
            ctx.request().path(), t.getMessage());
        KanalServer.json(ctx, 503, KanalServer.error("accounts are unavailable right now; try again"));
      } else {
        log.error("event=api.failed path={} error=\"{}\"", ctx.request().path(), t.toString(), t);
        KanalServer.json(ctx, 500, KanalServer.error("internal error"));
      }
    });
  }
}
