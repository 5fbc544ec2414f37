package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.iptv.Channel;
import dev.kanal.iptv.ChannelCatalog;
import dev.kanal.iptv.ChannelJson;
import dev.kanal.iptv.ChannelSource;
import dev.kanal.iptv.CheckStatus;
import dev.kanal.iptv.Epg;
import dev.kanal.iptv.EpgProgramme;
import dev.kanal.iptv.LiveTv;
import dev.kanal.iptv.XmltvChannel;
import dev.kanal.testing.TestChannels;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /api/channels}: the JSON of {@code channels list --json} plus {@code playlistUrl},
 * {@code now} and {@code next}; paging, search, group and alive filters, errors.
 */
class ChannelRoutesTest {

  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  static List<Channel> channels;
  static Metrics metrics;
  static KanalServer server;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static ChannelSource source(String host, CheckStatus status) {
    ChannelSource s = ChannelSource.unchecked("http://" + host + "/live/index.m3u8", Map.of("User-Agent", "KanalTest/1"),
        "test", 0, false);
    return status == CheckStatus.UNKNOWN ? s : TestChannels.withStatus(s, status);
  }

  static EpgProgramme programme(String channel, String title, Instant start, Instant stop) {
    return new EpgProgramme(channel, start, Optional.of(stop), title, Optional.empty(), Optional.empty(), List.of());
  }

  @BeforeAll
  static void start() throws Exception {
    channels = List.of(
        TestChannels.channel("bbc.one.uk", "BBC One", "News", "1", "http://logos.example/bbc.png",
            source("bbc.example", CheckStatus.ALIVE)),
        TestChannels.channel("cnn.us", "CNN International", "News", "2", "", source("cnn.example", CheckStatus.ALIVE)),
        TestChannels.channel("sky.sports", "Sky Sports", "Sports", "3", "", source("sky.example", CheckStatus.DEAD)),
        TestChannels.channel("eurosport", "Eurosport 1", "Sports", null, "", source("euro.example", CheckStatus.UNKNOWN)),
        TestChannels.channel("arte.fr", "Arte", "Culture", "5", "", source("arte.example", CheckStatus.UNKNOWN)),
        TestChannels.channel("zdf.de", "ZDF", "Culture", "6", "", source("zdf.example", CheckStatus.TIMEOUT)),
        TestChannels.channel("ard.de", "Das Erste", "Culture", "7", "", source("ard.example", CheckStatus.ALIVE)));
    Epg epg = Epg.builder()
        .channel(new XmltvChannel("bbc.one.uk", List.of("BBC One"), Optional.empty()))
        .channel(new XmltvChannel("cnn.us", List.of("CNN"), Optional.empty()))
        .programme(programme("bbc.one.uk", "Overnight", NOW.minusSeconds(7200), NOW.minusSeconds(1800)))
        .programme(programme("bbc.one.uk", "Breakfast", NOW.minusSeconds(1800), NOW.plusSeconds(1800)))
        .programme(programme("bbc.one.uk", "Newsround", NOW.plusSeconds(1800), NOW.plusSeconds(3600)))
        .programme(programme("cnn.us", "World Sport", NOW.plusSeconds(7200), NOW.plusSeconds(9000)))
        .build();
    metrics = Metrics.create("test");
    LiveSetup live = TestChannels.setup(LiveTv.of(ChannelCatalog.of(channels), epg), Duration.ofSeconds(2), 4,
        Optional.empty());
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
        Optional.empty()).withLive(live), metrics);
  }

  @AfterAll
  static void stop() {
    server.close();
    metrics.close();
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject json(String path, int status) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    return new JsonObject(r.body());
  }

  static List<String> ids(JsonObject page) {
    List<String> out = new ArrayList<>();
    page.getJsonArray("items").forEach(o -> out.add(((JsonObject) o).getString("id")));
    return out;
  }

  @Test
  void list_everyItemIsChannelsListJsonPlusPlaylistUrlNowAndNext() throws Exception {
    JsonObject page = json("/api/channels", 200);
    assertThat(page.fieldNames()).containsExactly("items", "total", "offset", "limit");
    assertThat(page.getInteger("total")).isEqualTo(7);
    assertThat(page.getInteger("offset")).isZero();
    assertThat(page.getInteger("limit")).isEqualTo(50);
    JsonArray items = page.getJsonArray("items");
    assertThat(ids(page)).containsExactly("bbc.one.uk", "cnn.us", "sky.sports", "eurosport", "arte.fr", "zdf.de", "ard.de");
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i).copy();
      JsonObject cli = new JsonObject(Json.encode(ChannelJson.channel(channels.get(i))));
      List<String> keys = new ArrayList<>(cli.fieldNames());
      keys.addAll(List.of("playlistUrl", "now", "next"));
      assertThat(item.fieldNames()).containsExactlyElementsOf(keys);
      assertThat(item.getString("playlistUrl"))
          .isEqualTo(server.url() + "/live/" + channels.get(i).id() + "/index.m3u8");
      item.remove("playlistUrl");
      item.remove("now");
      item.remove("next");
      assertThat(item).as("as `channels list --json` prints it").isEqualTo(cli);
    }
    JsonObject bbc = items.getJsonObject(0);
    assertThat(bbc.getJsonArray("sources").getJsonObject(0).getJsonObject("headers").getString("User-Agent"))
        .isEqualTo("KanalTest/1");
    assertThat(bbc.getString("status")).isEqualTo("alive");
    assertThat(bbc.getString("logo")).isEqualTo("http://logos.example/bbc.png");
    assertThat(items.getJsonObject(1).getValue("logo")).isNull();
  }

  @Test
  void list_nowAndNext_comeFromTheGuide_orAreNull() throws Exception {
    JsonObject page = json("/api/channels", 200);
    JsonObject bbc = page.getJsonArray("items").getJsonObject(0);
    assertThat(bbc.getJsonObject("now")).isEqualTo(new JsonObject().put("title", "Breakfast")
        .put("start", NOW.minusSeconds(1800).toString()).put("stop", NOW.plusSeconds(1800).toString()));
    assertThat(bbc.getJsonObject("next")).isEqualTo(new JsonObject().put("title", "Newsround")
        .put("start", NOW.plusSeconds(1800).toString()).put("stop", NOW.plusSeconds(3600).toString()));
    JsonObject cnn = page.getJsonArray("items").getJsonObject(1);
    assertThat(cnn.containsKey("now")).isTrue();
    assertThat(cnn.getValue("now")).isNull();
    assertThat(cnn.getJsonObject("next").getString("title")).isEqualTo("World Sport");
    JsonObject sky = page.getJsonArray("items").getJsonObject(2);
    assertThat(sky.containsKey("next")).isTrue();
    assertThat(sky.getValue("now")).isNull();
    assertThat(sky.getValue("next")).isNull();
  }

  @Test
  void list_paging() throws Exception {
    JsonObject page = json("/api/channels?offset=2&limit=2", 200);
    assertThat(ids(page)).containsExactly("sky.sports", "eurosport");
    assertThat(page.getInteger("total")).isEqualTo(7);
    assertThat(page.getInteger("offset")).isEqualTo(2);
    assertThat(page.getInteger("limit")).isEqualTo(2);
    assertThat(ids(json("/api/channels?offset=6&limit=500", 200))).containsExactly("ard.de");
    JsonObject past = json("/api/channels?offset=100", 200);
    assertThat(ids(past)).isEmpty();
    assertThat(past.getInteger("total")).isEqualTo(7);
  }

  @Test
  void list_searchGroupAndAlive() throws Exception {
    assertThat(ids(json("/api/channels?q=bbc", 200))).first().isEqualTo("bbc.one.uk");
    assertThat(ids(json("/api/channels?q=" + URLEncoder.encode("das erste", StandardCharsets.UTF_8), 200)))
        .first().isEqualTo("ard.de");
    assertThat(ids(json("/api/channels?group=sports", 200))).containsExactly("sky.sports", "eurosport");
    assertThat(ids(json("/api/channels?group=Sports&q=euro", 200))).containsExactly("eurosport");
    assertThat(ids(json("/api/channels?alive=1", 200))).containsExactly("bbc.one.uk", "cnn.us", "ard.de");
    JsonObject aliveNews = json("/api/channels?alive=true&group=News&limit=1", 200);
    assertThat(ids(aliveNews)).containsExactly("bbc.one.uk");
    assertThat(aliveNews.getInteger("total")).isEqualTo(2);
    assertThat(json("/api/channels?group=Nope", 404).getString("error"))
        .isEqualTo("no channel group 'Nope' (GET /api/channels/groups lists them)");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "limit=0|query parameter 'limit' must be between 1 and 500, was 0",
      "limit=501|query parameter 'limit' must be between 1 and 500, was 501",
      "offset=-1|query parameter 'offset' must be between 0 and 10000000, was -1",
      "limit=ten|query parameter 'limit' must be a whole number, was 'ten'",
      "alive=maybe|query parameter 'alive' must be 1 or 0, was 'maybe'",
  })
  void list_badParameters_are400WithOneSentence(String query, String message) throws Exception {
    assertThat(json("/api/channels?" + query, 400).getString("error")).isEqualTo(message);
  }

  @Test
  void list_queryTooLong_is400() throws Exception {
    assertThat(json("/api/channels?q=" + "a".repeat(201), 400).getString("error"))
        .isEqualTo("query parameter 'q' must be at most 200 characters");
  }

  @Test
  void one_isTheListItem_idIgnoringCase_unknownIs404() throws Exception {
    JsonObject listed = json("/api/channels", 200).getJsonArray("items").getJsonObject(0);
    assertThat(json("/api/channels/bbc.one.uk", 200)).isEqualTo(listed);
    assertThat(json("/api/channels/BBC.ONE.UK", 200)).isEqualTo(listed);
    assertThat(json("/api/channels/nope", 404).getString("error")).isEqualTo("no channel with id 'nope'");
    assertThat(json("/api/channels/BBC%20One", 404).getString("error"))
        .as("names are not ids").isEqualTo("no channel with id 'BBC One'");
  }

  @Test
  void groups_listsEachGroupWithItsChannelCount() throws Exception {
    JsonObject groups = json("/api/channels/groups", 200);
    assertThat(groups.getInteger("total")).isEqualTo(3);
    assertThat(groups.getJsonArray("items")).containsExactly(
        new JsonObject().put("name", "News").put("channels", 2),
        new JsonObject().put("name", "Sports").put("channels", 2),
        new JsonObject().put("name", "Culture").put("channels", 3));
  }

  @Test
  void playlistUrl_followsForwardedHeaders_andIgnoresForgedOnes() throws Exception {
    HttpResponse<String> r = get("/api/channels/bbc.one.uk", "X-Forwarded-Proto", "https",
        "X-Forwarded-Host", "tv.example.org:8443", "X-Forwarded-Prefix", "/kanal/");
    assertThat(new JsonObject(r.body()).getString("playlistUrl"))
        .isEqualTo("https://tv.example.org:8443/kanal/live/bbc.one.uk/index.m3u8");
    HttpResponse<String> forged = get("/api/channels/bbc.one.uk", "X-Forwarded-Proto", "javascript",
        "X-Forwarded-Host", "evil.example\"><script>", "X-Forwarded-Prefix", "/a b");
    assertThat(new JsonObject(forged.body()).getString("playlistUrl"))
        .isEqualTo(server.url() + "/live/bbc.one.uk/index.m3u8");
  }
}
