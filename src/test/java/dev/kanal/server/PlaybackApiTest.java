package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.LibraryConfig;
import dev.kanal.config.KanalConfig.PlaybackConfig;
import dev.kanal.library.Library;
import dev.kanal.library.Thumbnails;
import dev.kanal.media.Prober;
import dev.kanal.store.Database;
import dev.kanal.store.PlaybackStore;
import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.JsonHttp.Reply;
import dev.kanal.testing.PrometheusText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The playback API over HTTP on the SQLite store: progress, sessions, QoE, and every kind of bad input
 * (each a 4xx JSON error naming the field, never a 500). A second server with a library checks that
 * video ids are validated against it.
 */
class PlaybackApiTest {

  static final PlaybackConfig CONFIG = new PlaybackConfig(Duration.ofSeconds(90), 1000, Duration.ofDays(7));

  @TempDir static Path dir;
  static Database db;
  static Metrics metrics;
  static KanalServer server;
  static JsonHttp api;

  static Library library;
  static Database libraryDb;
  static Metrics libraryMetrics;
  static KanalServer libraryServer;
  static JsonHttp libraryApi;
  static String knownVideo;

  @BeforeAll
  static void start() throws Exception {
    db = Database.open(dir.resolve("kanal.db"));
    metrics = Metrics.create("test");
    server = KanalServer.start(options().withPlayback(new PlaybackSetup(PlaybackStore.sqlite(db, CONFIG, Clock.systemUTC()),
        CONFIG, Clock.systemUTC())), metrics);
    api = new JsonHttp(server.url());

    Path media = Files.createDirectories(dir.resolve("media"));
    Files.write(media.resolve("film.mp4"), new byte[4096]);
    libraryDb = Database.open(dir.resolve("library.db"));
    library = Library.open(LibraryConfig.of(List.of(media)), libraryDb, new Prober(dir.resolve("no-ffprobe"), Duration.ofSeconds(5)));
    library.scan();
    knownVideo = library.list("", null, Library.Sort.TITLE, false, 0, 10).items().getFirst().id();
    libraryMetrics = Metrics.create("test");
    VideoLibrary videos = new VideoLibrary(library, new Thumbnails(dir.resolve("no-ffmpeg"), dir.resolve("thumbs")), () -> {});
    libraryServer = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2),
        Optional.empty(), Optional.empty(), Optional.of(videos))
        .withPlayback(new PlaybackSetup(PlaybackStore.sqlite(libraryDb, CONFIG, Clock.systemUTC()), CONFIG,
            Clock.systemUTC())), libraryMetrics);
    libraryApi = new JsonHttp(libraryServer.url());
  }

  static KanalServer.Options options() {
    return new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(), Optional.empty());
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {server, libraryServer, metrics, libraryMetrics, library, db, libraryDb}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // best effort
      }
    }
  }

  static JsonObject progress(double position, double duration, String device) {
    return new JsonObject().put("position", position).put("duration", duration).put("deviceId", device);
  }

  // ---- progress

  @Test
  void progress_putThenGet_returnsTheLatestAndEveryDevice() throws Exception {
    long now = System.currentTimeMillis();
    Reply put = api.put("/api/progress/film-1", progress(600.25, 5400, "living-room"));
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(put.json().getBoolean("applied")).isTrue();
    // The phone was offline and reports an older position only now: it is kept for the phone, not as the latest.
    Reply late = api.put("/api/progress/film-1", progress(120, 5400, "phone").put("updatedAt", now - 3_600_000));
    assertThat(late.json().getBoolean("applied")).isTrue();
    assertThat(late.json().getString("deviceId")).isEqualTo("living-room");

    JsonObject got = api.get("/api/progress/film-1").json();
    assertThat(got.getString("videoId")).isEqualTo("film-1");
    assertThat(got.getDouble("position")).isEqualTo(600.25);
    assertThat(got.getDouble("duration")).isEqualTo(5400.0);
    assertThat(got.getString("deviceId")).isEqualTo("living-room");
    assertThat(got.getLong("updatedAt")).isBetween(now - 1000, System.currentTimeMillis());
    assertThat(got.getBoolean("finished")).isFalse();
    JsonArray devices = got.getJsonArray("devices");
    assertThat(devices).hasSize(2);
    assertThat(devices.getJsonObject(1).getString("deviceId")).isEqualTo("phone");
    assertThat(devices.getJsonObject(1).getLong("updatedAt")).isEqualTo(now - 3_600_000);

    // The same device sending an older position (a retry that arrived late) is not applied.
    Reply stale = api.put("/api/progress/film-1", progress(10, 5400, "living-room").put("updatedAt", now - 60_000));
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.json().getBoolean("applied")).isFalse();
    assertThat(api.get("/api/progress/film-1").json().getDouble("position")).isEqualTo(600.25);
  }

  @Test
  void progress_continueWatching_newestFirstWithoutFinishedVideos() throws Exception {
    JsonHttp http = api;
    http.put("/api/progress/cw-a", progress(100, 3600, "tv"));
    Thread.sleep(3);
    http.put("/api/progress/cw-done", progress(3500, 3600, "tv"));
    Thread.sleep(3);
    http.put("/api/progress/cw-b", progress(200, 3600, "tv"));
    JsonArray items = http.get("/api/progress?limit=100").json().getJsonArray("items");
    List<String> ids = items.stream().map(o -> ((JsonObject) o).getString("videoId")).filter(id -> id.startsWith("cw-")).toList();
    assertThat(ids).containsExactly("cw-b", "cw-a");
    JsonObject b = items.getJsonObject(0);
    assertThat(b.getDouble("remaining")).isEqualTo(3400.0);
    assertThat(http.get("/api/progress?limit=1").json().getJsonArray("items")).hasSize(1);
  }

  @Test
  void progress_unknown_is404() throws Exception {
    Reply r = api.get("/api/progress/never-watched");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().getString("error")).contains("never-watched");
  }

  // ---- sessions

  @Test
  void sessions_startListHeartbeatEnd() throws Exception {
    Reply started = api.post("/api/sessions", new JsonObject().put("videoId", "sess-film").put("deviceId", "tv"));
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String id = started.json().getString("sessionId");
    assertThat(id).matches("[A-Za-z0-9_-]{22}");
    assertThat(started.json().getDouble("ttl")).isEqualTo(90.0);
    String channel = api.post("/api/sessions", new JsonObject().put("channelId", "arte.fr").put("deviceId", "phone"))
        .json().getString("sessionId");

    JsonObject active = api.get("/api/sessions/active").json();
    assertThat(active.getJsonObject("byVideo").getLong("sess-film")).isEqualTo(1L);
    assertThat(active.getJsonObject("byChannel").getLong("arte.fr")).isEqualTo(1L);
    assertThat(active.getJsonArray("sessions").stream().map(o -> ((JsonObject) o).getString("sessionId")))
        .contains(id, channel);

    Reply beat = api.post("/api/sessions/" + id + "/heartbeat", new JsonObject().put("position", 12.5).put("bitrate", 2_500_000));
    assertThat(beat.status()).as(beat.toString()).isEqualTo(200);
    assertThat(beat.json().getDouble("position")).isEqualTo(12.5);
    assertThat(beat.json().getLong("bitrate")).isEqualTo(2_500_000L);
    assertThat(api.post("/api/sessions/" + id + "/heartbeat", "").status()).as("an empty heartbeat").isEqualTo(200);

    assertThat(api.delete("/api/sessions/" + id).status()).isEqualTo(204);
    assertThat(api.delete("/api/sessions/" + channel).status()).isEqualTo(204);
    Reply again = api.delete("/api/sessions/" + id);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.json().getString("error")).contains(id);
    assertThat(api.post("/api/sessions/" + id + "/heartbeat", "{}").status()).isEqualTo(404);
    JsonObject after = api.get("/api/sessions/active").json();
    assertThat(after.getJsonObject("byVideo").containsKey("sess-film")).isFalse();
  }

  // ---- QoE

  @Test
  void qoe_scriptedSession_givesStartupStallRatioAndSwitchesInTheSummaryAndInMetrics() throws Exception {
    // A server of its own, so that its metrics hold this session only.
    try (Database qdb = Database.open(dir.resolve("qoe.db")); Metrics m = Metrics.create("test")) {
      KanalServer s = KanalServer.start(options().withPlayback(new PlaybackSetup(
          PlaybackStore.sqlite(qdb, CONFIG, Clock.systemUTC()), CONFIG, Clock.systemUTC())), m);
      try {
        JsonHttp http = new JsonHttp(s.url());
        long t0 = System.currentTimeMillis() - 120_000;
        String id = http.post("/api/sessions", new JsonObject().put("videoId", "qoe-film").put("deviceId", "tv")
            .put("at", t0)).json().getString("sessionId");
        String other = http.post("/api/sessions", new JsonObject().put("channelId", "news.fr").put("deviceId", "tv")
            .put("at", t0)).json().getString("sessionId");
        // The stall ends in the second batch; the first batch is a bare array, the second an object.
        Reply first = http.post("/api/qoe", new JsonArray()
            .add(event(id, "startup", t0 + 1500).put("bitrate", 1_200_000).put("bandwidthEstimate", 5_000_000))
            .add(event(id, "level_switch", t0 + 5000).put("bitrate", 2_400_000))
            .add(event(id, "stall_start", t0 + 10_000).put("position", 8.5))
            .add(event(other, "startup", t0 + 4000)));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().getInteger("accepted")).isEqualTo(4);
        Reply second = http.post("/api/qoe", new JsonObject().put("events", new JsonArray()
            .add(event(id, "stall_end", t0 + 12_000))
            .add(event(id, "seek", t0 + 15_000).put("position", 300.0))
            .add(event(id, "level_switch", t0 + 20_000))
            .add(event(id, "error", t0 + 25_000).put("detail", "networkError/fragLoadError"))
            .add(event(id, "level_switch", t0 + 30_000))
            .add(event(id, "ended", t0 + 41_500))));
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        assertThat(second.json().getInteger("accepted")).isEqualTo(6);

        JsonObject summary = http.get("/api/qoe/summary?window=1h&videoId=qoe-film").json();
        assertThat(summary.getInteger("sessions")).isEqualTo(1);
        assertThat(summary.getDouble("startupP50")).isEqualTo(1.5);
        assertThat(summary.getDouble("startupP95")).isEqualTo(1.5);
        assertThat(summary.getDouble("stallRatio")).isEqualTo(0.05); // 2 s stalled of 40 s watched
        assertThat(summary.getInteger("stalls")).isEqualTo(1);
        assertThat(summary.getInteger("levelSwitches")).isEqualTo(3);
        assertThat(summary.getDouble("switchesPerMinute")).isEqualTo(4.5); // 3 in 40 s
        assertThat(summary.getInteger("errors")).isEqualTo(1);
        assertThat(summary.getDouble("errorRate")).isEqualTo(1.0);
        assertThat(summary.getDouble("watched")).isEqualTo(40.0);
        JsonObject all = http.get("/api/qoe/summary").json();
        assertThat(all.getInteger("sessions")).isEqualTo(2);
        assertThat(all.getDouble("startupP50")).isEqualTo(1.5);
        assertThat(all.getDouble("startupP95")).isEqualTo(4.0);
        assertThat(all.getDouble("errorRate")).isEqualTo(0.5);
        assertThat(http.get("/api/qoe/summary?channelId=news.fr").json().getDouble("startupP50")).isEqualTo(4.0);

        PrometheusText scrape = PrometheusText.parse(http.get("/metrics").body());
        assertThat(scrape.value("kanal_playback_startup_seconds_count")).isEqualTo(2.0);
        assertThat(scrape.value("kanal_playback_startup_seconds_sum")).isEqualTo(5.5);
        assertThat(scrape.value("kanal_playback_startup_seconds_bucket", "le", "1.5")).isEqualTo(1.0);
        assertThat(scrape.value("kanal_playback_startup_seconds_bucket", "le", "5.0")).isEqualTo(2.0);
        assertThat(scrape.value("kanal_playback_stall_ratio_count")).isEqualTo(1.0);
        assertThat(scrape.value("kanal_playback_stall_ratio_sum")).isEqualTo(0.05);
        assertThat(scrape.value("kanal_playback_stalls_total")).isEqualTo(1.0);
        assertThat(scrape.value("kanal_playback_level_switches_total")).isEqualTo(3.0);
        assertThat(scrape.value("kanal_playback_errors_total", "type", "network")).isEqualTo(1.0);
        assertThat(scrape.value("kanal_playback_errors_total", "type", "media")).isEqualTo(0.0);
        assertThat(scrape.value("kanal_playback_sessions_total", "kind", "video")).isEqualTo(1.0);
        assertThat(awaitGauge(http, "video", 1.0)).isEqualTo(1.0);
        assertThat(awaitGauge(http, "channel", 1.0)).isEqualTo(1.0);

        // Deleting the channel session (no ended event) ends it, but it has no watched time (only a first
        // frame), so no stall ratio is observed for it.
        assertThat(http.delete("/api/sessions/" + other).status()).isEqualTo(204);
        PrometheusText after = PrometheusText.parse(http.get("/metrics").body());
        assertThat(after.value("kanal_playback_stall_ratio_count")).isEqualTo(1.0);
        assertThat(awaitGauge(http, "channel", 0.0)).isEqualTo(0.0);
        assertThat(after.samples()).noneSatisfy(smp -> assertThat(smp.labels().values()).anySatisfy(
            v -> assertThat(v).isIn(id, other, "qoe-film", "news.fr")));
      } finally {
        s.close();
      }
    }
  }

  /**
   * {@code kanal_active_sessions{kind}} once it shows {@code expected} (it follows the store, refreshed on
   * the sweeper thread right after a session starts or ends), or its value after 5 s.
   */
  static double awaitGauge(JsonHttp http, String kind, double expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    double value;
    while ((value = PrometheusText.parse(http.get("/metrics").body()).value("kanal_active_sessions", "kind", kind)) != expected
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return value;
  }

  static JsonObject event(String session, String type, long at) {
    return new JsonObject().put("sessionId", session).put("type", type).put("at", at);
  }

  // ---- bad input

  static Stream<Arguments> badInputs() {
    long now = System.currentTimeMillis();
    String ok = "{\"position\": 10, \"duration\": 100, \"deviceId\": \"tv\"";
    return Stream.of(
        Arguments.of("PUT", "/api/progress/v1", "{\"position\": -1, \"duration\": 100, \"deviceId\": \"tv\"}", "position"),
        Arguments.of("PUT", "/api/progress/v1", "{\"position\": \"NaN\", \"duration\": 100, \"deviceId\": \"tv\"}", "position"),
        Arguments.of("PUT", "/api/progress/v1", "{\"position\": NaN, \"duration\": 100, \"deviceId\": \"tv\"}", "not valid JSON"),
        Arguments.of("PUT", "/api/progress/v1", "{\"position\": 1e400, \"duration\": 100, \"deviceId\": \"tv\"}", "position"),
        Arguments.of("PUT", "/api/progress/v1", "{\"position\": 1e12, \"duration\": 1e12, \"deviceId\": \"tv\"}", "duration"),
        Arguments.of("PUT", "/api/progress/v1", "{\"position\": 200, \"duration\": 100, \"deviceId\": \"tv\"}", "position"),
        Arguments.of("PUT", "/api/progress/v1", "{\"position\": 0, \"duration\": 0, \"deviceId\": \"tv\"}", "duration"),
        Arguments.of("PUT", "/api/progress/v1", "{\"position\": 10, \"duration\": 100}", "deviceId"),
        Arguments.of("PUT", "/api/progress/v1", "{\"position\": 10, \"deviceId\": \"tv\"}", "duration"),
        Arguments.of("PUT", "/api/progress/v1", "{\"position\": 10, \"duration\": 100, \"deviceId\": \"a b\"}", "deviceId"),
        Arguments.of("PUT", "/api/progress/v1", "{\"position\": 10, \"duration\": 100, \"deviceId\": 7}", "deviceId"),
        Arguments.of("PUT", "/api/progress/v1", ok + ", \"updatedAt\": " + (now + 3 * 86_400_000L) + "}", "updatedAt"),
        Arguments.of("PUT", "/api/progress/v1", ok + ", \"updatedAt\": \"yesterday\"}", "updatedAt"),
        Arguments.of("PUT", "/api/progress/v1", ok + ", \"updatedAt\": -5}", "updatedAt"),
        Arguments.of("PUT", "/api/progress/v1", "{\"position\": 10,", "not valid JSON"),
        Arguments.of("PUT", "/api/progress/v1", "[1, 2]", "JSON object"),
        Arguments.of("PUT", "/api/progress/v1", "", "JSON body"),
        Arguments.of("PUT", "/api/progress/a.b", ok + "}", "videoId"),
        Arguments.of("GET", "/api/progress/a.b", null, "videoId"),
        Arguments.of("GET", "/api/progress?limit=0", null, "limit"),
        Arguments.of("GET", "/api/progress?limit=x", null, "limit"),
        Arguments.of("POST", "/api/sessions", "{\"deviceId\": \"tv\"}", "videoId"),
        Arguments.of("POST", "/api/sessions", "{\"videoId\": \"v\", \"channelId\": \"c\", \"deviceId\": \"tv\"}", "channelId"),
        Arguments.of("POST", "/api/sessions", "{\"channelId\": \"c/d\", \"deviceId\": \"tv\"}", "channelId"),
        Arguments.of("POST", "/api/sessions", "{\"videoId\": \"v\"}", "deviceId"),
        Arguments.of("POST", "/api/sessions", "{\"videoId\": \"v\", \"deviceId\": \"tv\", \"at\": 1.5}", "at"),
        Arguments.of("POST", "/api/sessions/abc/heartbeat", "{\"position\": -3}", "position"),
        Arguments.of("POST", "/api/sessions/abc/heartbeat", "{\"bitrate\": 1.5}", "bitrate"),
        Arguments.of("POST", "/api/sessions/abc/heartbeat", "{\"bitrate\": 1e15}", "bitrate"),
        Arguments.of("POST", "/api/sessions/a.b/heartbeat", "{}", "id"),
        Arguments.of("GET", "/api/sessions/active?limit=5000", null, "limit"),
        Arguments.of("POST", "/api/qoe", "{}", "events"),
        Arguments.of("POST", "/api/qoe", "{\"events\": 5}", "events"),
        Arguments.of("POST", "/api/qoe", "{\"events\": []}", "events"),
        Arguments.of("POST", "/api/qoe", "[" + event("s", "buffering", now).encode() + "]", "[0].type"),
        Arguments.of("POST", "/api/qoe", "{\"events\": [" + event("s", "startup", now).encode() + ", "
            + event("s", "STARTUP", now).encode() + "]}", "events[1].type"),
        Arguments.of("POST", "/api/qoe", "[{\"sessionId\": \"s\", \"type\": \"seek\"}]", "[0].at"),
        Arguments.of("POST", "/api/qoe", "[" + event("s", "seek", now).put("at", "now").encode() + "]", "[0].at"),
        Arguments.of("POST", "/api/qoe", "[" + event("s", "seek", 1000).encode() + "]", "[0].at"),
        Arguments.of("POST", "/api/qoe", "[" + event("s", "seek", now).put("position", -1).encode() + "]", "[0].position"),
        Arguments.of("POST", "/api/qoe", "[" + event("s", "seek", now).put("bandwidthEstimate", -1).encode() + "]",
            "[0].bandwidthEstimate"),
        Arguments.of("POST", "/api/qoe", "[" + event("s", "error", now).put("detail", "x".repeat(501)).encode() + "]", "[0].detail"),
        Arguments.of("POST", "/api/qoe", "[" + event("no-such-session", "seek", now).encode() + "]", "[0].sessionId"),
        Arguments.of("POST", "/api/qoe", "[5]", "[0]"),
        Arguments.of("POST", "/api/qoe", manyEvents(501, now), "at most 500"),
        Arguments.of("GET", "/api/qoe/summary?window=abc", null, "window"),
        Arguments.of("GET", "/api/qoe/summary?window=30d", null, "window"),
        Arguments.of("GET", "/api/qoe/summary?window=1s", null, "window"),
        Arguments.of("GET", "/api/qoe/summary?videoId=a&channelId=b", null, "channelId"),
        Arguments.of("GET", "/api/qoe/summary?videoId=a%20b", null, "videoId"));
  }

  static String manyEvents(int n, long now) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < n; i++) {
      a.add(event("s", "seek", now));
    }
    return a.encode();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("badInputs")
  void badInput_is400NamingTheField(String method, String path, String body, String named) throws Exception {
    Reply r = api.send(method, path, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().getString("error")).as(r.toString()).contains(named);
  }

  @Test
  void badInput_unknownSessionOrVideo_is404() throws Exception {
    assertThat(api.post("/api/sessions/nosuchsession/heartbeat", "{}").status()).isEqualTo(404);
    assertThat(api.delete("/api/sessions/nosuchsession").status()).isEqualTo(404);
  }

  @Test
  void oversizedBodies_are413Json() throws Exception {
    String big = "{\"position\": 1, \"duration\": 2, \"deviceId\": \"tv\", \"pad\": \"" + "x".repeat(20_000) + "\"}";
    Reply r = api.put("/api/progress/v1", big);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().getString("error")).contains("16384 bytes");
    Reply q = api.post("/api/qoe", "[" + "1,".repeat(150_000) + "1]");
    assertThat(q.status()).isEqualTo(413);
    assertThat(q.json().getString("error")).contains("262144 bytes");
    // The server still answers afterwards.
    assertThat(api.get("/api/progress").status()).isEqualTo(200);
  }

  // ---- with a library

  @Test
  void withALibrary_unknownVideoIdsAreRefused() throws Exception {
    Reply unknown = libraryApi.put("/api/progress/notInLibrary", progress(1, 100, "tv"));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("field")).isEqualTo("videoId");
    assertThat(libraryApi.put("/api/progress/" + knownVideo, progress(1, 100, "tv")).status()).isEqualTo(200);
    Reply session = libraryApi.post("/api/sessions", new JsonObject().put("videoId", "notInLibrary").put("deviceId", "tv"));
    assertThat(session.status()).isEqualTo(400);
    assertThat(session.json().getString("error")).contains("videoId");
    assertThat(libraryApi.post("/api/sessions", new JsonObject().put("videoId", knownVideo).put("deviceId", "tv")).status())
        .isEqualTo(201);
    // Channels are not checked against a catalog (the format only).
    assertThat(libraryApi.post("/api/sessions", new JsonObject().put("channelId", "any.channel").put("deviceId", "tv")).status())
        .isEqualTo(201);
  }
}
