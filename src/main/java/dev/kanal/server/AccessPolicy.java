package dev.kanal.server;

import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Set;

/**
 * What each route needs when access control is on: one table, consulted by {@link AuthHandler} before
 * any route runs. Only the routes listed {@link Need#PUBLIC} answer without credentials; a route nobody
 * listed needs a user to read (GET, HEAD) and an admin for anything else, so a route added later fails
 * closed rather than open.
 */
final class AccessPolicy {

  /** What a request must carry. */
  enum Need {
    /** Nothing: health, the page shell with its login form and assets, the UPnP description, login and logout. */
    PUBLIC,
    /** Any credential, a player token included: media, read-only. */
    PLAYER,
    /** A login or an API token of any user. */
    USER,
    /** A login or an API token of an admin. */
    ADMIN
  }

  private record Rule(Set<HttpMethod> methods, String pattern, Need need) {
    boolean matches(HttpMethod method, String path) {
      return (methods.isEmpty() || methods.contains(method)) && AccessPolicy.matches(pattern, path);
    }
  }

  private static final Set<HttpMethod> READ = Set.of(HttpMethod.GET, HttpMethod.HEAD);
  private static final Set<HttpMethod> ANY = Set.of();

  /** First match wins. A trailing {@code /*} matches the folder and everything under it; {@code *} one segment. */
  private static final List<Rule> RULES = List.of(
      // Public: no data behind them.
      new Rule(READ, "/api/health", Need.PUBLIC),
      new Rule(READ, "/", Need.PUBLIC),
      new Rule(READ, "/index.html", Need.PUBLIC),
      new Rule(READ, "/assets/*", Need.PUBLIC),
      new Rule(READ, "/vendor/*", Need.PUBLIC),
      // SSDP's LOCATION: the friendly name, model and device id, the base URL; no catalog, no secret.
      new Rule(READ, "/device.xml", Need.PUBLIC),
      new Rule(Set.of(HttpMethod.POST), "/api/login", Need.PUBLIC),
      new Rule(Set.of(HttpMethod.POST), "/api/logout", Need.PUBLIC),
      // CORS preflights carry no credentials and get only headers back.
      new Rule(Set.of(HttpMethod.OPTIONS), "/*", Need.PUBLIC),
      // Media, read-only: what a player token opens.
      new Rule(READ, "/iptv/*", Need.PLAYER),
      new Rule(READ, "/live/*", Need.PLAYER),
      new Rule(READ, "/vod/*", Need.PLAYER),
      new Rule(READ, "/media/*", Need.PLAYER),
      new Rule(READ, "/demo/*", Need.PLAYER),
      new Rule(READ, "/discover.json", Need.PLAYER),
      new Rule(READ, "/lineup.json", Need.PLAYER),
      new Rule(READ, "/lineup_status.json", Need.PLAYER),
      // Plex asks the tuner to scan; nothing happens.
      new Rule(Set.of(HttpMethod.GET, HttpMethod.POST), "/lineup.post", Need.PLAYER),
      // Admin: settings, sources, packaging, scans, users.
      new Rule(ANY, "/api/sources/*", Need.ADMIN),
      new Rule(ANY, "/api/users/*", Need.ADMIN),
      new Rule(Set.of(HttpMethod.POST), "/api/channels/check", Need.ADMIN),
      new Rule(Set.of(HttpMethod.POST), "/api/channels/refresh", Need.ADMIN),
      new Rule(Set.of(HttpMethod.POST), "/api/library/scan", Need.ADMIN),
      // A user's own writes.
      new Rule(Set.of(HttpMethod.PUT, HttpMethod.POST), "/api/progress/*", Need.USER),
      new Rule(Set.of(HttpMethod.POST), "/api/sessions", Need.USER),
      new Rule(Set.of(HttpMethod.POST), "/api/sessions/*/heartbeat", Need.USER),
      new Rule(Set.of(HttpMethod.DELETE), "/api/sessions/*", Need.USER),
      new Rule(Set.of(HttpMethod.POST), "/api/qoe", Need.USER),
      new Rule(Set.of(HttpMethod.POST), "/api/tokens", Need.USER),
      new Rule(Set.of(HttpMethod.DELETE), "/api/tokens/*", Need.USER),
      new Rule(Set.of(HttpMethod.PUT), "/api/me/password", Need.USER),
      // Everything else: users read, admins write.
      new Rule(READ, "/*", Need.USER));

  private AccessPolicy() {}

  /** What a request of {@code method} to {@code path} (normalised) needs. */
  static Need of(HttpMethod method, String path) {
    for (Rule r : RULES) {
      if (r.matches(method, path)) {
        return r.need();
      }
    }
    return Need.ADMIN;
  }

  /** Whether {@code path} matches {@code pattern}: {@code /x/*} is /x and below, {@code *} in the middle one segment. */
  static boolean matches(String pattern, String path) {
    if (pattern.endsWith("/*")) {
      String folder = pattern.substring(0, pattern.length() - 2);
      return folder.isEmpty() || path.equals(folder) || path.startsWith(folder + "/") && matches(folder, prefixOf(path, folder));
    }
    String[] p = pattern.split("/", -1);
    String[] s = path.split("/", -1);
    if (p.length != s.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (!p[i].equals("*") && !p[i].equals(s[i]) || p[i].equals("*") && s[i].isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** The first as many segments of {@code path} as {@code folder} has. */
  private static String prefixOf(String path, String folder) {
    int segments = folder.split("/", -1).length;
    String[] s = path.split("/", -1);
    return String.join("/", java.util.Arrays.copyOf(s, segments));
  }
}
