package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.auth.Accounts;
import dev.kanal.auth.Role;
import dev.kanal.config.ByteSize;
import dev.kanal.config.KanalConfig.AuthConfig;
import dev.kanal.config.KanalConfig.LibraryConfig;
import dev.kanal.config.KanalConfig.PackagingConfig;
import dev.kanal.config.KanalConfig.PlaybackConfig;
import dev.kanal.config.KanalConfig.VodConfig;
import dev.kanal.discovery.Discovery;
import dev.kanal.iptv.ChannelCatalog;
import dev.kanal.iptv.Epg;
import dev.kanal.iptv.LiveTv;
import dev.kanal.library.Library;
import dev.kanal.library.Thumbnails;
import dev.kanal.media.Packages;
import dev.kanal.media.Prober;
import dev.kanal.store.Database;
import dev.kanal.store.PlaybackStore;
import dev.kanal.store.UserStore;
import dev.kanal.testing.LanAddress;
import dev.kanal.testing.TestChannels;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access control over HTTP (issue #13) on a server bound to a LAN address of this machine, as a client
 * on the LAN sees it: every route but the public ones answers 401 without credentials (the route table
 * is walked, so a route added later is covered), logins and their cookie, CSRF, roles, per-user
 * progress, player and API tokens, the token path prefix for players and tuners.
 */
class AuthApiTest {

  static final String ADMIN_PASSWORD = "correct horse battery";
  static final String USER_PASSWORD = "bobs own password";
  static final PlaybackConfig PLAYBACK = new PlaybackConfig(Duration.ofSeconds(90), 1000, Duration.ofDays(7));

  @TempDir static Path dir;
  static Database db;
  static UserStore users;
  static Library library;
  static Metrics metrics;
  static KanalServer server;
  static String base;
  static String videoId;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    String host = LanAddress.ipv4();
    db = Database.open(dir.resolve("kanal.db"));
    users = UserStore.sqlite(db);
    Accounts accounts = Accounts.create(users, Duration.ofDays(30), Clock.systemUTC());
    accounts.addUser("alice", ADMIN_PASSWORD, Role.ADMIN);
    accounts.addUser("bob", USER_PASSWORD, Role.USER);

    Path media = Files.createDirectories(dir.resolve("media"));
    Files.write(media.resolve("film.mp4"), new byte[4096]);
    library = Library.open(LibraryConfig.of(List.of(media)), db, new Prober(dir.resolve("no-ffprobe"), Duration.ofSeconds(5)));
    library.scan();
    videoId = library.list("", null, Library.Sort.TITLE, false, 0, 10).items().getFirst().id();
    MediaFiles files = id -> library.file(id)
        .map(e -> new MediaFile(e.path(), e.size(), e.modified(), e.contentType(), e.fileName()));
    VideoLibrary videos = new VideoLibrary(library, new Thumbnails(dir.resolve("no-ffmpeg"), dir.resolve("thumbs")), () -> {});
    ChannelCatalog catalog = ChannelCatalog.of(List.of(TestChannels.channel("one", "Channel One", "News", "1", "",
        TestChannels.source("http://127.0.0.1:1/one.m3u8", true))));
    LiveSetup live = TestChannels.setup(LiveTv.of(catalog, Epg.builder().build()), Duration.ofSeconds(1), 0,
        TestChannels.ffmpeg());
    VodConfig vod = new VodConfig(Duration.ofSeconds(6), ByteSize.parse("1GiB"), 3, "software", List.of(),
        PackagingConfig.defaults());
    DiscoverySetup discovery = new DiscoverySetup(List::of, () -> new Discovery.Status(false, false, List.of()), "Kanal",
        "1234ABCD");
    metrics = Metrics.create("test");
    AuthConfig auth = new AuthConfig("auto", false, Duration.ofDays(30), 1000, Duration.ofMinutes(15), "auto");
    server = KanalServer.start(new KanalServer.Options(host, 0, "test", Duration.ofSeconds(2),
        Optional.of(Files.createDirectories(dir.resolve("demo"))), Optional.of(files), Optional.of(videos))
        .withLive(live)
        .withPlayback(new PlaybackSetup(PlaybackStore.sqlite(db, PLAYBACK, Clock.systemUTC()), PLAYBACK, Clock.systemUTC()))
        .withDiscovery(discovery)
        .withVod(new VodSetup(vod, dir.resolve("cache"), Path.of("ffmpeg"), Path.of("ffprobe"), Packages.none())),
        metrics, Optional.of(new AuthSetup(accounts, auth, true)));
    base = server.url();
    assertThat(base).doesNotContain("127.0.0.1");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (library != null) {
      library.close();
    }
    if (db != null) {
      db.close();
    }
  }

  // ---- helpers

  static HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Logs in and returns the cookie pair {@code kanal_session=...}. */
  static String login(String user, String password) throws Exception {
    HttpResponse<String> r = send("POST", "/api/login", new JsonObject().put("user", user).put("password", password).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  static String[] cookie(String cookie, String... more) {
    List<String> h = new ArrayList<>(List.of("Cookie", cookie, "Origin", base));
    h.addAll(List.of(more));
    return h.toArray(String[]::new);
  }

  static JsonObject newToken(String cookie, String kind) throws Exception {
    HttpResponse<String> r = send("POST", "/api/tokens", new JsonObject().put("kind", kind).put("label", "test").encode(),
        cookie(cookie));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body());
  }

  /** A concrete path for a route template: parameters and wildcards become sample values. */
  static String sample(String template) {
    String p = template.replaceAll(":[A-Za-z]+", "x1");
    if (p.endsWith("*")) {
      p = p.substring(0, p.length() - 1) + "sample";
    }
    return p;
  }

  // ---- the route table

  @Test
  void everyRoute_withoutCredentials_fromTheLan_is401_butThePublicOnes() throws Exception {
    Set<String> checked = new TreeSet<>();
    Set<String> publicOnes = new TreeSet<>();
    for (Route route : server.routes()) {
      assertThat(route.getPath() == null && route.isRegexPath()).as("no pure regex routes (they would escape this walk)")
          .isFalse();
      // A route without a path (metrics, access control) handles every path.
      String template = route.getPath() == null ? "/any/path" : route.getPath();
      if (route.getPath() != null && !route.isExactPath() && template.endsWith("/")) {
        template = template + "*"; // Vert.x keeps "/assets/*" as "/assets/" (a prefix)
      }
      Set<HttpMethod> methods = route.methods() == null || route.methods().isEmpty()
          ? Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE) : route.methods();
      for (HttpMethod method : methods) {
        if (method == HttpMethod.OPTIONS) {
          continue; // CORS preflights: headers only
        }
        String path = sample(template);
        HttpResponse<String> r = send(method.name(), path, method == HttpMethod.GET || method == HttpMethod.HEAD ? null : "{}");
        String what = method + " " + path + " (route " + template + ")";
        checked.add(what);
        if (AccessPolicy.of(method, path) == AccessPolicy.Need.PUBLIC) {
          publicOnes.add(method + " " + path);
          assertThat(r.statusCode()).as(what).isNotEqualTo(401);
        } else {
          assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(401);
          if (method != HttpMethod.HEAD) {
            assertThat(new JsonObject(r.body()).getString("error")).as(what).isNotBlank();
          }
        }
      }
    }
    assertThat(checked).hasSizeGreaterThan(40);
    assertThat(publicOnes).containsExactlyInAnyOrder("GET /api/health", "GET /", "GET /index.html",
        "GET /assets/sample", "GET /vendor/sample", "GET /device.xml", "POST /api/login", "POST /api/logout");
  }

  @Test
  void writeAndMediaRoutes_withoutCredentials_are401() throws Exception {
    for (String[] r : new String[][] {{"PUT", "/api/progress/" + "v1"}, {"POST", "/api/sources"}, {"DELETE", "/api/sources/x"},
        {"POST", "/api/videos/" + "v1" + "/package"}, {"POST", "/api/channels/check"}, {"POST", "/api/users"},
        {"GET", "/media/" + videoId + "/file"}, {"GET", "/iptv/playlist.m3u"}, {"GET", "/iptv/epg.xml"},
        {"GET", "/live/one/index.m3u8"}, {"GET", "/live/one.ts"}, {"GET", "/vod/" + videoId + "/master.m3u8"},
        {"GET", "/lineup.json"}, {"GET", "/discover.json"}, {"GET", "/metrics"}, {"GET", "/api/progress"},
        {"GET", "/t/kanal_p_" + "A".repeat(43) + "/iptv/playlist.m3u"}, {"GET", "/iptv/playlist.m3u?token=nope"}}) {
      HttpResponse<String> reply = send(r[0], r[1], r[0].equals("GET") ? null : "{}");
      assertThat(reply.statusCode()).as(r[0] + " " + r[1]).isEqualTo(401);
    }
    // A forged cookie or bearer is no better.
    assertThat(send("GET", "/api/me", null, "Cookie", "kanal_session=" + "A".repeat(43)).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/api/me", null, "Authorization", "Bearer kanal_a_" + "A".repeat(43)).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/api/me", null, "Authorization", "Basic YWxpY2U6eA==").statusCode()).isEqualTo(401);
  }

  // ---- logins

  @Test
  void login_setsAnHttpOnlySameSiteCookie_thatLogoutEnds() throws Exception {
    HttpResponse<String> r = send("POST", "/api/login", new JsonObject().put("user", "bob").put("password", USER_PASSWORD).encode());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("user")).isEqualTo("bob");
    assertThat(new JsonObject(r.body()).getString("role")).isEqualTo("user");
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).startsWith("kanal_session=").contains("; HttpOnly").contains("; SameSite=Strict")
        .contains("; Path=/").contains("; Max-Age=2592000").doesNotContain("Secure");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    assertThat(send("GET", "/api/me", null, "Cookie", cookie).body()).contains("\"user\":\"bob\"").contains("\"via\":\"session\"");
    // Behind a TLS proxy the cookie is Secure.
    assertThat(send("POST", "/api/login", new JsonObject().put("user", "bob").put("password", USER_PASSWORD).encode(),
        "X-Forwarded-Proto", "https").headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");

    HttpResponse<String> out = send("POST", "/api/logout", null, "Cookie", cookie);
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(send("GET", "/api/me", null, "Cookie", cookie).statusCode()).isEqualTo(401);
  }

  @Test
  void login_wrongPasswordOrUnknownUser_is401WithTheSameSentence() throws Exception {
    HttpResponse<String> wrong = send("POST", "/api/login", new JsonObject().put("user", "bob").put("password", "nope-nope").encode());
    HttpResponse<String> unknown = send("POST", "/api/login", new JsonObject().put("user", "zed").put("password", "nope-nope").encode());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).isEqualTo(unknown.body());
    assertThat(send("POST", "/api/login", "{}").statusCode()).isEqualTo(400);
  }

  @Test
  void cookieWrites_needTheServersOwnOrigin() throws Exception {
    String cookie = login("bob", USER_PASSWORD);
    String progress = new JsonObject().put("position", 10).put("duration", 100).put("deviceId", "tv").encode();
    assertThat(send("PUT", "/api/progress/" + videoId, progress, "Cookie", cookie).statusCode()).isEqualTo(403);
    assertThat(send("PUT", "/api/progress/" + videoId, progress, "Cookie", cookie, "Origin", "http://evil.example")
        .statusCode()).isEqualTo(403);
    assertThat(send("PUT", "/api/progress/" + videoId, progress, cookie(cookie)).statusCode()).isEqualTo(200);
    assertThat(send("PUT", "/api/progress/" + videoId, progress, "Cookie", cookie, "Referer", base + "/#/library")
        .statusCode()).isEqualTo(200);
  }

  // ---- roles and per-user data

  @Test
  void aUser_cannotReadAnotherUsersProgress() throws Exception {
    String alice = login("alice", ADMIN_PASSWORD);
    String bob = login("bob", USER_PASSWORD);
    String progress = new JsonObject().put("position", 600).put("duration", 5400).put("deviceId", "tv").encode();
    assertThat(send("PUT", "/api/progress/" + videoId, progress, cookie(alice)).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/progress/" + videoId, null, "Cookie", alice).body()).contains("\"position\":600.0");
    HttpResponse<String> bobs = send("GET", "/api/progress/" + videoId, null, "Cookie", bob);
    assertThat(bobs.body()).doesNotContain("600");
    assertThat(send("GET", "/api/progress", null, "Cookie", bob).body()).doesNotContain(videoId);
    assertThat(send("GET", "/api/progress", null, "Cookie", alice).body()).contains(videoId);
  }

  @Test
  void aUser_getsForbiddenOnAdminRoutes_anAdminDoesNot() throws Exception {
    String bob = login("bob", USER_PASSWORD);
    String alice = login("alice", ADMIN_PASSWORD);
    for (String[] r : new String[][] {{"GET", "/api/users"}, {"POST", "/api/sources"}, {"GET", "/api/sources"},
        {"POST", "/api/channels/check"}, {"POST", "/api/library/scan"}, {"POST", "/api/videos/" + videoId + "/package"},
        {"DELETE", "/api/users/alice"}}) {
      assertThat(send(r[0], r[1], r[0].equals("GET") ? null : "{}", cookie(bob)).statusCode()).as(r[0] + " " + r[1])
          .isEqualTo(403);
    }
    assertThat(send("GET", "/api/users", null, cookie(alice)).body()).contains("\"bob\"").doesNotContain("argon2");
    assertThat(send("GET", "/api/videos", null, cookie(bob)).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/metrics", null, cookie(bob)).statusCode()).isEqualTo(200);
  }

  @Test
  void passwords_areStoredAsArgon2idHashes() throws Exception {
    String stored = users.user("alice").orElseThrow().passwordHash();
    assertThat(stored).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain(ADMIN_PASSWORD);
    assertThat(users.user("bob").orElseThrow().passwordHash()).isNotEqualTo(stored).doesNotContain(USER_PASSWORD);
  }

  @Test
  void addUser_changePassword_endsTheirLogins() throws Exception {
    String alice = login("alice", ADMIN_PASSWORD);
    assertThat(send("POST", "/api/users", new JsonObject().put("name", "carol").put("password", "carols password").encode(),
        cookie(alice)).statusCode()).isEqualTo(201);
    assertThat(send("POST", "/api/users", new JsonObject().put("name", "carol").put("password", "carols password").encode(),
        cookie(alice)).statusCode()).isEqualTo(409);
    String carol = login("carol", "carols password");
    assertThat(send("PUT", "/api/me/password", new JsonObject().put("currentPassword", "wrong").put("password", "new password!")
        .encode(), cookie(carol)).statusCode()).isEqualTo(400);
    assertThat(send("PUT", "/api/me/password", new JsonObject().put("currentPassword", "carols password")
        .put("password", "new password!").encode(), cookie(carol)).statusCode()).isEqualTo(204);
    assertThat(send("GET", "/api/me", null, "Cookie", carol).statusCode()).isEqualTo(401);
    login("carol", "new password!");
    assertThat(send("DELETE", "/api/users/carol", null, cookie(alice)).statusCode()).isEqualTo(204);
    assertThat(send("DELETE", "/api/users/alice", null, cookie(alice)).statusCode()).as("the last admin").isEqualTo(409);
  }

  // ---- tokens

  @Test
  void apiToken_actsAsItsUser_untilRevoked() throws Exception {
    String bob = login("bob", USER_PASSWORD);
    JsonObject token = newToken(bob, "api");
    String secret = token.getString("token");
    assertThat(secret).startsWith("kanal_a_");
    String[] bearer = {"Authorization", "Bearer " + secret};
    HttpResponse<String> me = send("GET", "/api/me", null, bearer);
    assertThat(me.body()).contains("\"user\":\"bob\"").contains("\"via\":\"api\"");
    // No Origin needed: a bearer token is not sent by browsers on their own.
    String progress = new JsonObject().put("position", 5).put("duration", 100).put("deviceId", "script").encode();
    assertThat(send("PUT", "/api/progress/" + videoId, progress, bearer).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/tokens", null, "Cookie", bob).body()).contains(token.getString("id")).doesNotContain(secret);
    assertThat(send("DELETE", "/api/tokens/" + token.getString("id"), null, cookie(bob)).statusCode()).isEqualTo(204);
    assertThat(send("GET", "/api/me", null, bearer).statusCode()).isEqualTo(401);
  }

  @Test
  void playerToken_opensMediaOnly_notWritesNorAdminRoutes() throws Exception {
    String alice = login("alice", ADMIN_PASSWORD);
    JsonObject token = newToken(alice, "player"); // an admin's: still media only
    String secret = token.getString("token");
    assertThat(secret).startsWith("kanal_p_");
    String[] bearer = {"Authorization", "Bearer " + secret};
    for (String[] r : new String[][] {{"GET", "/api/users"}, {"POST", "/api/sources"}, {"GET", "/api/sources"},
        {"POST", "/api/channels/check"}, {"POST", "/api/library/scan"}, {"DELETE", "/api/videos/" + videoId + "/package"},
        {"PUT", "/api/progress/" + videoId}, {"POST", "/api/sessions"}, {"POST", "/api/tokens"}, {"GET", "/api/videos"},
        {"GET", "/api/progress"}, {"GET", "/metrics"}}) {
      HttpResponse<String> reply = send(r[0], r[1], r[0].equals("GET") ? null : "{}", bearer);
      assertThat(reply.statusCode()).as(r[0] + " " + r[1]).isEqualTo(403);
      HttpResponse<String> viaPrefix = send(r[0], "/t/" + secret + r[1], r[0].equals("GET") ? null : "{}");
      assertThat(viaPrefix.statusCode()).as("prefix " + r[0] + " " + r[1]).isEqualTo(403);
    }
    assertThat(send("GET", "/media/" + videoId + "/file", null, bearer).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/media/" + videoId + "/file?token=" + secret, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/t/" + secret + "/media/" + videoId + "/file", null).statusCode()).isEqualTo(200);
  }

  @Test
  void playerToken_playlistUrl_listsStreamUrlsThatCarryTheToken() throws Exception {
    String bob = login("bob", USER_PASSWORD);
    JsonObject token = newToken(bob, "player");
    String secret = token.getString("token");
    String prefixed = base + "/t/" + secret;
    assertThat(token.getString("playlistUrl")).isEqualTo(prefixed + "/iptv/playlist.m3u");
    assertThat(token.getString("hdhomerunUrl")).isEqualTo(prefixed);

    HttpResponse<String> playlist = send("GET", "/t/" + secret + "/iptv/playlist.m3u", null);
    assertThat(playlist.statusCode()).isEqualTo(200);
    assertThat(playlist.body()).contains(prefixed + "/live/one/index.m3u8").contains(prefixed + "/iptv/epg.xml");
    HttpResponse<String> byQuery = send("GET", "/iptv/playlist.m3u?token=" + secret, null);
    assertThat(byQuery.body()).contains(prefixed + "/live/one/index.m3u8");
    // The listed stream URL opens without a login (here the upstream is down: not a 401/403).
    assertThat(send("GET", "/t/" + secret + "/live/one/index.m3u8", null).statusCode()).isNotIn(401, 403);

    // Plex and Jellyfin add the tuner by URL: every URL it gives carries the token.
    JsonObject discover = new JsonObject(send("GET", "/t/" + secret + "/discover.json", null).body());
    assertThat(discover.getString("BaseURL")).isEqualTo(prefixed);
    assertThat(discover.getString("LineupURL")).isEqualTo(prefixed + "/lineup.json");
    assertThat(send("GET", "/t/" + secret + "/lineup.json", null).body()).contains(prefixed + "/live/one.ts");
    assertThat(send("POST", "/t/" + secret + "/lineup.post?scan=start", "").statusCode()).isEqualTo(200);

    assertThat(send("DELETE", "/api/tokens/" + token.getString("id"), null, cookie(bob)).statusCode()).isEqualTo(204);
    assertThat(send("GET", "/t/" + secret + "/iptv/playlist.m3u", null).statusCode()).isEqualTo(401);
  }

  @Test
  void aUser_cannotRevokeAnotherUsersToken() throws Exception {
    String alice = login("alice", ADMIN_PASSWORD);
    String bob = login("bob", USER_PASSWORD);
    JsonObject token = newToken(alice, "api");
    assertThat(send("DELETE", "/api/tokens/" + token.getString("id"), null, cookie(bob)).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/api/me", null, "Authorization", "Bearer " + token.getString("token")).statusCode()).isEqualTo(200);
  }

  @Test
  void publicRoutes_answerWithoutCredentials_andHoldNoSecret() throws Exception {
    assertThat(send("GET", "/api/health", null).statusCode()).isEqualTo(200);
    HttpResponse<String> page = send("GET", "/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
    HttpResponse<String> device = send("GET", "/device.xml", null);
    assertThat(device.statusCode()).isEqualTo(200);
    assertThat(device.body()).doesNotContain("DeviceAuth").doesNotContain("kanal_");
  }
}
