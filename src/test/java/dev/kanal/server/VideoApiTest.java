package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kanal.config.KanalConfig.LibraryConfig;
import dev.kanal.library.Library;
import dev.kanal.library.ScanReport;
import dev.kanal.library.Thumbnails;
import dev.kanal.library.Video;
import dev.kanal.media.Prober;
import dev.kanal.testing.SampleVideos;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The video API of issue #7 over a real library: tiny videos made by ffmpeg (mp4, mkv, webm, names
 * with accents and release tags) and broken files, scanned with the real ffprobe, served by the real
 * server. Every response is checked for the absolute path of the test folders: the API never shows one.
 */
class VideoApiTest {

  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final Set<String> CONTRACT = Set.of("id", "title", "fileName", "duration", "width", "height", "size",
      "posterUrl", "status");

  static final String BIG = "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP.mp4";
  static final String AMELIE = "Amélie.2001.1080p.mkv";
  static final String CLIP = "[Grp] Clip Three (2020) [720p].webm";
  static final String SHORT = "Short.Clip.mp4";
  static final String LATE = "Zulu.Late.Addition.mp4";
  static final String EMPTY = "Empty.mp4";
  static final String NOTES = "Notes.mkv";
  static final String TRUNCATED = "Truncated.mp4";

  @TempDir static Path root;
  static Path media;
  static Path data;
  static Library library;
  static Metrics metrics;
  static KanalServer server;
  static HttpClient http;
  static final AtomicInteger scanRequests = new AtomicInteger();
  /** File name to its path on disk and its id. */
  static final Map<String, Path> paths = new HashMap<>();
  static final Map<String, String> ids = new HashMap<>();
  static ScanReport firstScan;
  static ScanReport secondScan;

  @BeforeAll
  static void start() throws Exception {
    media = Files.createDirectories(root.resolve("media"));
    data = Files.createDirectories(root.resolve("data"));
    paths.put(BIG, SampleVideos.h264(media.resolve(BIG), 61, 160, 90, 10, true));
    paths.put(AMELIE, SampleVideos.h264(media.resolve(AMELIE), 12, 320, 180, 10, true));
    paths.put(CLIP, SampleVideos.vp9(media.resolve(CLIP), 3, 176, 144, 10));
    paths.put(SHORT, SampleVideos.h264(media.resolve("Extras").resolve(SHORT), 4, 128, 72, 10, false));
    paths.put(EMPTY, Files.write(media.resolve(EMPTY), new byte[0]));
    paths.put(NOTES, Files.writeString(media.resolve(NOTES), "Shopping list\n".repeat(200)));
    byte[] big = Files.readAllBytes(paths.get(BIG));
    paths.put(TRUNCATED, Files.write(media.resolve(TRUNCATED), Arrays.copyOf(big, big.length / 3)));
    Files.writeString(media.resolve("readme.txt"), "not a video");

    library = Library.open(LibraryConfig.of(List.of(media)), data.resolve("kanal.db"),
        new Prober(Path.of("ffprobe"), Library.PROBE_TIMEOUT));
    firstScan = library.scan();
    // One video added later, so that sorting by "added" has something to order.
    Thread.sleep(20);
    paths.put(LATE, SampleVideos.h264(media.resolve(LATE), 2, 160, 90, 10, true));
    secondScan = library.scan();
    for (Video v : library.list("", null, Library.Sort.TITLE, false, 0, 100).items()) {
      ids.put(v.fileName(), v.id());
    }

    Thumbnails thumbnails = new Thumbnails(Path.of("ffmpeg"), data.resolve("cache").resolve("thumbnails"));
    MediaFiles files = id -> library.file(id)
        .map(e -> new MediaFile(e.path(), e.size(), e.modified(), e.contentType(), e.fileName()));
    metrics = Metrics.create("test");
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
        Optional.of(files), Optional.of(new VideoLibrary(library, thumbnails, scanRequests::incrementAndGet))), metrics);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
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
  }

  // ---------------------------------------------------------------- helpers

  static HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertNoPath(r);
    return r;
  }

  static HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + pathAndQuery)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b);
  }

  /** No response ever names the test folders: not in the body (text or binary), not in a header. */
  static void assertNoPath(HttpResponse<byte[]> r) throws IOException {
    List<String> forbidden = new ArrayList<>(List.of(root.toString(), media.toString(), data.toString()));
    forbidden.add(root.toRealPath().toString());
    String utf8 = new String(r.body(), StandardCharsets.UTF_8);
    String latin1 = new String(r.body(), StandardCharsets.ISO_8859_1);
    for (String path : forbidden) {
      assertThat(utf8).as("body of %s", r.uri()).doesNotContain(path);
      assertThat(latin1).as("body of %s", r.uri()).doesNotContain(path);
      assertThat(utf8).as("body of %s (JSON-escaped)", r.uri()).doesNotContain(path.replace("/", "\\/"));
      r.headers().map().forEach((name, values) ->
          assertThat(values).as("header %s of %s", name, r.uri()).noneMatch(v -> v.contains(path)));
    }
  }

  static JsonObject json(HttpResponse<byte[]> r) {
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return new JsonObject(new String(r.body(), StandardCharsets.UTF_8));
  }

  static JsonObject getJson(String pathAndQuery, int status) throws Exception {
    HttpResponse<byte[]> r = get(pathAndQuery);
    assertThat(r.statusCode()).as("%s: %s", pathAndQuery, new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(status);
    return json(r);
  }

  static List<JsonObject> items(JsonObject page) {
    List<JsonObject> out = new ArrayList<>();
    page.getJsonArray("items").forEach(o -> out.add((JsonObject) o));
    return out;
  }

  static List<String> titles(JsonObject page) {
    return items(page).stream().map(o -> o.getString("title")).toList();
  }

  static String q(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String id(String fileName) {
    return Optional.ofNullable(ids.get(fileName)).orElseThrow(() -> new AssertionError("not catalogued: " + fileName));
  }

  static JsonObject item(JsonObject page, String fileName) {
    return items(page).stream().filter(o -> o.getString("fileName").equals(fileName)).findFirst()
        .orElseThrow(() -> new AssertionError(fileName + " not in " + page.encodePrettily()));
  }

  // ---------------------------------------------------------------- the scan behind the API

  @Test
  void scan_cataloguesEveryVideo_andMarksBrokenOnes() {
    assertThat(firstScan.files()).isEqualTo(7);
    assertThat(firstScan.added()).isEqualTo(7);
    assertThat(firstScan.broken()).isEqualTo(3);
    assertThat(secondScan.added()).isEqualTo(1);
    assertThat(secondScan.unchanged()).isEqualTo(7);
    assertThat(ids).containsOnlyKeys(BIG, AMELIE, CLIP, SHORT, LATE, EMPTY, NOTES, TRUNCATED);
  }

  // ---------------------------------------------------------------- GET /api/videos

  @Test
  void list_hasItemsTotalOffsetLimit_andDefaults() throws Exception {
    JsonObject page = getJson("/api/videos", 200);
    assertThat(page.fieldNames()).contains("items", "total", "offset", "limit");
    assertThat(page.getInteger("total")).isEqualTo(8);
    assertThat(page.getInteger("offset")).isZero();
    assertThat(page.getInteger("limit")).isEqualTo(50);
    assertThat(page.getJsonArray("items")).hasSize(8);
    for (JsonObject o : items(page)) {
      assertThat(o.fieldNames()).as(o.encode()).containsAll(CONTRACT);
      assertThat(o.fieldNames()).doesNotContain("path", "root", "fingerprint");
      assertThat(o.getString("fileName")).doesNotContain("/").doesNotContain("\\");
      assertThat(o.getString("id")).matches("[A-Za-z0-9_-]{1,128}");
    }
  }

  @Test
  void list_itemValues_matchTheFiles() throws Exception {
    JsonObject page = getJson("/api/videos?limit=100", 200);

    JsonObject big = item(page, BIG);
    assertThat(big.getString("id")).isEqualTo(id(BIG));
    assertThat(big.getString("title")).isEqualTo("Big Buck Bunny 2008");
    assertThat(big.getDouble("duration")).isCloseTo(61.0, within(0.5));
    assertThat(big.getInteger("width")).isEqualTo(160);
    assertThat(big.getInteger("height")).isEqualTo(90);
    assertThat(big.getLong("size")).isEqualTo(Files.size(paths.get(BIG)));
    assertThat(big.getString("posterUrl")).isEqualTo("/api/videos/" + id(BIG) + "/poster.jpg");
    assertThat(big.getString("status")).isEqualTo("ok");

    JsonObject amelie = item(page, AMELIE);
    assertThat(amelie.getString("title")).isEqualTo("Amélie 2001");
    assertThat(amelie.getDouble("duration")).isCloseTo(12.0, within(0.5));
    assertThat(amelie.getInteger("width")).isEqualTo(320);
    assertThat(amelie.getInteger("height")).isEqualTo(180);
    assertThat(amelie.getLong("size")).isEqualTo(Files.size(paths.get(AMELIE)));

    JsonObject clip = item(page, CLIP);
    assertThat(clip.getString("title")).isEqualTo("Clip Three (2020)");
    assertThat(clip.getInteger("width")).isEqualTo(176);
    assertThat(clip.getInteger("height")).isEqualTo(144);

    JsonObject shortClip = item(page, SHORT);
    assertThat(shortClip.getString("fileName")).isEqualTo(SHORT);
    assertThat(shortClip.getString("title")).isEqualTo("Short Clip");
    assertThat(shortClip.getDouble("duration")).isCloseTo(4.0, within(0.5));

    for (String broken : List.of(EMPTY, NOTES, TRUNCATED)) {
      JsonObject o = item(page, broken);
      assertThat(o.getString("status")).as(broken).isEqualTo("broken");
      assertThat(o.containsKey("posterUrl")).isTrue();
      assertThat(o.getValue("posterUrl")).as(broken).isNull();
      assertThat(o.getValue("duration")).as(broken).isNull();
      assertThat(o.getLong("size")).isEqualTo(Files.size(paths.get(broken)));
    }
    assertThat(item(page, EMPTY).getLong("size")).isZero();
  }

  @Test
  void list_paging_coversEveryVideoOnce_withTheSameTotal() throws Exception {
    List<String> all = titles(getJson("/api/videos?limit=500", 200));
    Set<String> seen = new LinkedHashSet<>();
    for (int offset = 0; offset < 10; offset += 3) {
      JsonObject page = getJson("/api/videos?offset=" + offset + "&limit=3", 200);
      assertThat(page.getInteger("total")).isEqualTo(8);
      assertThat(page.getInteger("offset")).isEqualTo(offset);
      assertThat(page.getInteger("limit")).isEqualTo(3);
      assertThat(page.getJsonArray("items").size()).isEqualTo(Math.max(0, Math.min(3, 8 - offset)));
      for (JsonObject o : items(page)) {
        assertThat(seen.add(o.getString("id"))).as("id seen twice: %s", o.getString("id")).isTrue();
      }
    }
    assertThat(seen).hasSize(8);
    JsonObject beyond = getJson("/api/videos?offset=100", 200);
    assertThat(beyond.getJsonArray("items")).isEmpty();
    assertThat(beyond.getInteger("total")).isEqualTo(8);
    assertThat(all).hasSize(8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"amelie", "AMELIE", "Amélie", "AMÉLIE", "ame\u0301lie", "  amélie  ", "mélie 2001", "1080p.mkv"})
  void list_search_isAccentAndCaseInsensitive(String query) throws Exception {
    JsonObject page = getJson("/api/videos?q=" + q(query), 200);
    assertThat(page.getInteger("total")).as(query).isEqualTo(1);
    assertThat(titles(page)).containsExactly("Amélie 2001");
  }

  @Test
  void list_search_matchesFileNameTags_andNothingForUnknownText() throws Exception {
    assertThat(titles(getJson("/api/videos?q=x264-grp", 200))).containsExactly("Big Buck Bunny 2008");
    assertThat(titles(getJson("/api/videos?q=clip", 200))).containsExactlyInAnyOrder("Clip Three (2020)", "Short Clip");
    JsonObject none = getJson("/api/videos?q=" + q("no such film"), 200);
    assertThat(none.getInteger("total")).isZero();
    assertThat(none.getJsonArray("items")).isEmpty();
    // SQL wildcards and quotes are plain text.
    assertThat(getJson("/api/videos?q=" + q("%"), 200).getInteger("total")).isZero();
    assertThat(getJson("/api/videos?q=" + q("_"), 200).getInteger("total")).isZero();
    assertThat(getJson("/api/videos?q=" + q("' OR 1=1 --"), 200).getInteger("total")).isZero();
    assertThat(getJson("/api/videos?q=" + "a".repeat(200), 200).getInteger("total")).isZero();
  }

  @Test
  void list_sortByTitle_ascAndDesc() throws Exception {
    List<String> asc = List.of("Amélie 2001", "Big Buck Bunny 2008", "Clip Three (2020)", "Empty", "Notes", "Short Clip",
        "Truncated", "Zulu Late Addition");
    assertThat(titles(getJson("/api/videos", 200))).containsExactlyElementsOf(asc);
    assertThat(titles(getJson("/api/videos?sort=title", 200))).containsExactlyElementsOf(asc);
    assertThat(titles(getJson("/api/videos?sort=title&order=asc", 200))).containsExactlyElementsOf(asc);
    assertThat(titles(getJson("/api/videos?sort=title&order=desc", 200))).containsExactlyElementsOf(asc.reversed());
    assertThat(titles(getJson("/api/videos?sort=TITLE&order=desc&limit=2", 200)))
        .containsExactly("Zulu Late Addition", "Truncated");
  }

  @Test
  void list_sortByAdded_newestFirstByDefault() throws Exception {
    assertThat(titles(getJson("/api/videos?sort=added", 200)).getFirst()).isEqualTo("Zulu Late Addition");
    assertThat(titles(getJson("/api/videos?sort=added&order=desc", 200)).getFirst()).isEqualTo("Zulu Late Addition");
    assertThat(titles(getJson("/api/videos?sort=added&order=asc", 200)).getLast()).isEqualTo("Zulu Late Addition");
  }

  @Test
  void list_sortByDuration_ascAndDesc_unknownDurationsLast() throws Exception {
    List<String> known = List.of("Zulu Late Addition", "Clip Three (2020)", "Short Clip", "Amélie 2001", "Big Buck Bunny 2008");
    List<String> broken = List.of("Empty", "Notes", "Truncated");
    List<String> asc = titles(getJson("/api/videos?sort=duration", 200));
    assertThat(asc.subList(0, 5)).containsExactlyElementsOf(known);
    assertThat(asc.subList(5, 8)).containsExactlyInAnyOrderElementsOf(broken);
    List<String> desc = titles(getJson("/api/videos?sort=duration&order=desc", 200));
    assertThat(desc.subList(0, 5)).containsExactlyElementsOf(known.reversed());
    assertThat(desc.subList(5, 8)).containsExactlyInAnyOrderElementsOf(broken);
  }

  @ParameterizedTest
  @ValueSource(strings = {"asc", "desc"})
  void list_sortBySize_isOrderedBySize(String order) throws Exception {
    List<Long> sizes = items(getJson("/api/videos?sort=size&order=" + order, 200)).stream()
        .map(o -> o.getLong("size")).toList();
    assertThat(sizes).hasSize(8);
    List<Long> sorted = new ArrayList<>(sizes);
    sorted.sort(order.equals("asc") ? Long::compare : (a, b) -> Long.compare(b, a));
    assertThat(sizes).containsExactlyElementsOf(sorted);
    assertThat(order.equals("asc") ? sizes.getFirst() : sizes.getLast()).isZero();
  }

  @Test
  void list_statusFilter_brokenAndOk() throws Exception {
    JsonObject broken = getJson("/api/videos?status=broken", 200);
    assertThat(broken.getInteger("total")).isEqualTo(3);
    assertThat(titles(broken)).containsExactly("Empty", "Notes", "Truncated");
    assertThat(items(broken)).allSatisfy(o -> assertThat(o.getString("status")).isEqualTo("broken"));
    JsonObject ok = getJson("/api/videos?status=ok", 200);
    assertThat(ok.getInteger("total")).isEqualTo(5);
    assertThat(items(ok)).allSatisfy(o -> assertThat(o.getString("status")).isEqualTo("ok"));
    assertThat(getJson("/api/videos?status=pending", 200).getInteger("total")).isZero();
    JsonObject combined = getJson("/api/videos?status=broken&q=notes&sort=size&order=desc", 200);
    assertThat(titles(combined)).containsExactly("Notes");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "limit=0            | limit",
      "limit=-1           | limit",
      "limit=501          | limit",
      "limit=abc          | limit",
      "limit=1.5          | limit",
      "limit=99999999999  | limit",
      "offset=-1          | offset",
      "offset=abc         | offset",
      "offset=10000001    | offset",
      "sort=nope          | sort",
      "sort=path          | sort",
      "sort=title%3B%20DROP%20TABLE%20videos | sort",
      "order=up           | order",
      "order=DESC%20      | order",
      "status=weird       | status",
      "status=deleted     | status"})
  void list_badParameter_is400_namingIt(String query, String parameter) throws Exception {
    HttpResponse<byte[]> r = get("/api/videos?" + query);
    assertThat(r.statusCode()).as(query).isEqualTo(400);
    JsonObject error = json(r);
    assertThat(error.getString("error")).as(query).contains("'" + parameter + "'");
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
  }

  @Test
  void list_queryLongerThan200Characters_is400_namingQ() throws Exception {
    HttpResponse<byte[]> r = get("/api/videos?q=" + "a".repeat(201));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).getString("error")).contains("'q'").contains("200");
    // Counted in characters, not bytes: 200 accented letters are fine.
    assertThat(get("/api/videos?q=" + q("é".repeat(200))).statusCode()).isEqualTo(200);
  }

  // ---------------------------------------------------------------- GET /api/videos/{id}

  @Test
  void details_ofAnMp4_hasStreamsAndDirectPlayback() throws Exception {
    JsonObject d = getJson("/api/videos/" + id(BIG), 200);
    assertThat(d.fieldNames()).containsAll(CONTRACT);
    assertThat(d.getString("id")).isEqualTo(id(BIG));
    assertThat(d.getString("fileName")).isEqualTo(BIG);
    assertThat(d.getString("status")).isEqualTo("ok");
    assertThat(d.getValue("reason")).isNull();
    assertThat(d.getString("videoCodec")).isEqualTo("h264");
    assertThat(d.getString("audioCodec")).isEqualTo("aac");
    assertThat(d.getString("container")).contains("mp4");
    JsonArray streams = d.getJsonArray("streams");
    assertThat(streams).hasSize(2);
    JsonObject video = streamOfType(streams, "video");
    assertThat(video.getString("codec")).isEqualTo("h264");
    assertThat(video.getInteger("width")).isEqualTo(160);
    assertThat(video.getInteger("height")).isEqualTo(90);
    assertThat(video.getDouble("frameRate")).isCloseTo(10.0, within(0.01));
    JsonObject audio = streamOfType(streams, "audio");
    assertThat(audio.getString("codec")).isEqualTo("aac");
    assertThat(audio.getInteger("channels")).isEqualTo(1);
    assertThat(d.getString("posterUrl")).isEqualTo("/api/videos/" + id(BIG) + "/poster.jpg");
    assertThat(d.getJsonObject("thumbnails").getString("vtt")).isEqualTo("/api/videos/" + id(BIG) + "/thumbnails.vtt");
    assertThat(d.getJsonObject("thumbnails").getString("sprite")).isEqualTo("/api/videos/" + id(BIG) + "/thumbnails.jpg");
    JsonObject file = d.getJsonObject("playback").getJsonObject("file");
    assertThat(d.getJsonObject("playback").getJsonArray("modes")).contains("file");
    assertThat(file.getString("url")).isEqualTo("/media/" + id(BIG) + "/file");
    assertThat(file.getString("downloadUrl")).isEqualTo("/media/" + id(BIG) + "/file?download=1");
    assertThat(file.getString("contentType")).isEqualTo("video/mp4");
    assertThat(file.getBoolean("browserPlayable")).isTrue();
  }

  @Test
  void details_ofAnMkv_isNotBrowserPlayable() throws Exception {
    JsonObject d = getJson("/api/videos/" + id(AMELIE), 200);
    assertThat(d.getString("title")).isEqualTo("Amélie 2001");
    assertThat(d.getString("fileName")).isEqualTo(AMELIE);
    assertThat(d.getString("container")).contains("matroska");
    assertThat(streamOfType(d.getJsonArray("streams"), "video").getString("codec")).isEqualTo("h264");
    JsonObject file = d.getJsonObject("playback").getJsonObject("file");
    assertThat(file.getString("contentType")).isEqualTo("video/x-matroska");
    assertThat(file.getBoolean("browserPlayable")).isFalse();
  }

  @Test
  void details_ofAWebm_vp9Opus_isBrowserPlayable() throws Exception {
    JsonObject d = getJson("/api/videos/" + id(CLIP), 200);
    assertThat(streamOfType(d.getJsonArray("streams"), "video").getString("codec")).isEqualTo("vp9");
    assertThat(streamOfType(d.getJsonArray("streams"), "audio").getString("codec")).isEqualTo("opus");
    JsonObject file = d.getJsonObject("playback").getJsonObject("file");
    assertThat(file.getString("contentType")).isEqualTo("video/webm");
    assertThat(file.getBoolean("browserPlayable")).isTrue();
  }

  @Test
  void details_ofAVideoInASubfolder_showsTheFolderRelativeToTheLibrary() throws Exception {
    JsonObject d = getJson("/api/videos/" + id(SHORT), 200);
    assertThat(d.getString("fileName")).isEqualTo(SHORT);
    assertThat(d.getString("collection")).isEqualTo("Extras");
    assertThat(d.getJsonArray("streams")).hasSize(1);
    assertThat(d.getValue("audioCodec")).isNull();
    assertThat(d.getJsonObject("playback").getJsonObject("file").getBoolean("browserPlayable")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {EMPTY, NOTES, TRUNCATED})
  void details_ofABrokenVideo_hasStatusAndReason_andNoPictures(String fileName) throws Exception {
    JsonObject d = getJson("/api/videos/" + id(fileName), 200);
    assertThat(d.getString("status")).isEqualTo("broken");
    assertThat(d.getString("reason")).isNotBlank().doesNotContain(fileName);
    assertThat(d.getValue("posterUrl")).isNull();
    assertThat(d.getValue("thumbnails")).isNull();
    assertThat(d.getJsonArray("streams")).isEmpty();
    assertThat(d.getJsonObject("playback").getJsonObject("file").getBoolean("browserPlayable")).isFalse();
    if (fileName.equals(EMPTY)) {
      assertThat(d.getString("reason")).contains("empty");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"AAAAAAAAAAAAAAAA", "nope", "0", "a-b_c",
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
  void details_ofAnUnknownId_is404Json(String id) throws Exception {
    JsonObject error = getJson("/api/videos/" + id, 404);
    assertThat(error.getString("error")).contains("no video with id '" + id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.b", "%2e%2e", "x%20y", "%00", "%C3%A9"})
  void details_ofAnIdThatIsNotAnId_is404Json(String id) throws Exception {
    HttpResponse<byte[]> r = get("/api/videos/" + id);
    assertThat(r.statusCode()).isEqualTo(404);
    // Either the id check or, for "%2e%2e" (a dot segment the router removes), the API's catch-all.
    assertThat(json(r).getString("error")).containsAnyOf("no video with id", "no such API route");
  }

  @Test
  void details_ofAnOverlongId_is404_withTheIdClipped() throws Exception {
    JsonObject error = getJson("/api/videos/" + "x".repeat(2000), 404);
    assertThat(error.getString("error").length()).isLessThan(300);
  }

  static JsonObject streamOfType(JsonArray streams, String type) {
    for (Object o : streams) {
      JsonObject s = (JsonObject) o;
      if (type.equals(s.getString("type"))) {
        return s;
      }
    }
    throw new AssertionError("no " + type + " stream in " + streams.encodePrettily());
  }

  // ---------------------------------------------------------------- posters and thumbnails

  @Test
  void poster_isAJpeg_cachedOnDisk_andServedAgainUnchanged() throws Exception {
    String url = "/api/videos/" + id(BIG) + "/poster.jpg";
    HttpResponse<byte[]> first = get(url);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type")).contains("image/jpeg");
    assertThat(first.headers().firstValue("Cache-Control")).hasValueSatisfying(c -> assertThat(c).contains("max-age"));
    assertThat(first.body().length).isGreaterThan(100);
    assertThat(first.body()[0] & 0xff).isEqualTo(0xFF);
    assertThat(first.body()[1] & 0xff).isEqualTo(0xD8);
    Path cached = cachedFile("poster.jpg", first.body());
    FileTime made = Files.getLastModifiedTime(cached);
    assertThat(SampleVideos.dimensions(cached)).isEqualTo("480x270");

    long start = System.nanoTime();
    HttpResponse<byte[]> second = get(url);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(took).isLessThan(Duration.ofSeconds(1));
    assertThat(Files.getLastModifiedTime(cached)).as("not made again").isEqualTo(made);
  }

  @Test
  void poster_concurrentFirstRequests_allGetTheSameImage() throws Exception {
    String url = "/api/videos/" + id(AMELIE) + "/poster.jpg";
    List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(http.sendAsync(HttpRequest.newBuilder(URI.create(server.url() + url)).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofByteArray()));
    }
    byte[] expected = null;
    for (CompletableFuture<HttpResponse<byte[]>> f : all) {
      HttpResponse<byte[]> r = f.get();
      assertNoPath(r);
      assertThat(r.statusCode()).isEqualTo(200);
      if (expected == null) {
        expected = r.body();
      }
      assertThat(r.body()).isEqualTo(expected);
    }
    assertThat(SampleVideos.dimensions(cachedFile("poster.jpg", expected))).isEqualTo("480x270");
  }

  @Test
  void thumbnails_vttCues_pointIntoTheSprite_whoseSizeMatchesTheTiles() throws Exception {
    HttpResponse<byte[]> vttResponse = get("/api/videos/" + id(BIG) + "/thumbnails.vtt");
    assertThat(vttResponse.statusCode()).isEqualTo(200);
    assertThat(vttResponse.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/vtt"));
    String vtt = new String(vttResponse.body(), StandardCharsets.UTF_8);
    assertThat(vtt).startsWith("WEBVTT\n");

    Pattern cue = Pattern.compile("(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) --> (\\d\\d:\\d\\d:\\d\\d\\.\\d{3})\\n"
        + "thumbnails\\.jpg#xywh=(\\d+),(\\d+),(\\d+),(\\d+)\\n");
    Matcher m = cue.matcher(vtt);
    List<int[]> boxes = new ArrayList<>();
    List<String> times = new ArrayList<>();
    while (m.find()) {
      times.add(m.group(1));
      times.add(m.group(2));
      boxes.add(new int[] {Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
          Integer.parseInt(m.group(6))});
    }
    // 61 s at one tile per 5 s: 12 tiles, 10 per row, 160x90 each.
    assertThat(boxes).hasSize(12);
    assertThat(vtt.strip().split("\\n\\n")).hasSize(13);
    assertThat(times.getFirst()).isEqualTo("00:00:00.000");
    assertThat(times.getLast()).startsWith("00:01:0");
    for (int i = 1; i + 1 < times.size(); i += 2) {
      assertThat(times.get(i)).as("cue %d ends where the next starts", i / 2).isEqualTo(times.get(i + 1));
    }

    HttpResponse<byte[]> sprite = get("/api/videos/" + id(BIG) + "/thumbnails.jpg");
    assertThat(sprite.statusCode()).isEqualTo(200);
    assertThat(sprite.headers().firstValue("Content-Type")).contains("image/jpeg");
    assertThat(sprite.body()[0] & 0xff).isEqualTo(0xFF);
    assertThat(sprite.body()[1] & 0xff).isEqualTo(0xD8);
    String[] size = SampleVideos.dimensions(cachedFile("thumbnails.jpg", sprite.body())).split("x");
    int width = Integer.parseInt(size[0]);
    int height = Integer.parseInt(size[1]);
    assertThat(width).isEqualTo(1600);
    assertThat(height).isEqualTo(180);
    for (int i = 0; i < boxes.size(); i++) {
      int[] b = boxes.get(i);
      assertThat(b[2]).isEqualTo(160);
      assertThat(b[3]).isEqualTo(90);
      assertThat(b[0]).isEqualTo(i % 10 * 160);
      assertThat(b[1]).isEqualTo(i / 10 * 90);
      assertThat(b[0] + b[2]).isLessThanOrEqualTo(width);
      assertThat(b[1] + b[3]).isLessThanOrEqualTo(height);
    }
    // The tiles are different moments of the video: the first and the last tile differ.
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(sprite.body()));
    assertThat(image.getWidth()).isEqualTo(width);
    assertThat(tile(image, boxes.getFirst())).isNotEqualTo(tile(image, boxes.getLast()));
    // Asked again: the same files.
    assertThat(get("/api/videos/" + id(BIG) + "/thumbnails.vtt").body()).isEqualTo(vttResponse.body());
    assertThat(get("/api/videos/" + id(BIG) + "/thumbnails.jpg").body()).isEqualTo(sprite.body());
  }

  /** The pixels of one tile, coarsely quantised (JPEG noise aside, equal tiles give equal arrays). */
  static int[] tile(java.awt.image.BufferedImage image, int[] box) {
    int[] rgb = image.getRGB(box[0], box[1], box[2], box[3], null, 0, box[2]);
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (rgb[i] >> 5) & 0x070707;
    }
    return rgb;
  }

  @Test
  void thumbnails_ofAShortVideo_isOneRowOfTwoTiles() throws Exception {
    String vtt = new String(get("/api/videos/" + id(AMELIE) + "/thumbnails.vtt").body(), StandardCharsets.UTF_8);
    assertThat(vtt).startsWith("WEBVTT").contains("thumbnails.jpg#xywh=0,0,160,90").contains("thumbnails.jpg#xywh=160,0,160,90");
    HttpResponse<byte[]> sprite = get("/api/videos/" + id(AMELIE) + "/thumbnails.jpg");
    assertThat(SampleVideos.dimensions(cachedFile("thumbnails.jpg", sprite.body()))).isEqualTo("1600x90");
  }

  @ParameterizedTest
  @CsvSource({"Empty.mp4,poster.jpg", "Notes.mkv,poster.jpg", "Truncated.mp4,poster.jpg", "Empty.mp4,thumbnails.vtt",
      "Notes.mkv,thumbnails.jpg", "Truncated.mp4,thumbnails.vtt"})
  void pictures_ofABrokenVideo_are404Json(String fileName, String picture) throws Exception {
    JsonObject error = getJson("/api/videos/" + id(fileName) + "/" + picture, 404);
    assertThat(error.getString("error")).contains(id(fileName));
  }

  @ParameterizedTest
  @ValueSource(strings = {"poster.jpg", "thumbnails.vtt", "thumbnails.jpg"})
  void pictures_ofAnUnknownId_are404Json(String picture) throws Exception {
    getJson("/api/videos/AAAAAAAAAAAAAAAA/" + picture, 404);
    getJson("/api/videos/a.b/" + picture, 404);
  }

  /** The file in the thumbnail cache whose bytes are {@code bytes} (copied out, to read its size). */
  static Path cachedFile(String name, byte[] bytes) throws IOException {
    try (Stream<Path> files = Files.walk(data.resolve("cache"))) {
      for (Path p : files.filter(p -> p.getFileName().toString().equals(name)).toList()) {
        if (Arrays.equals(Files.readAllBytes(p), bytes)) {
          return p;
        }
      }
    }
    throw new AssertionError("no cached " + name + " with the served bytes");
  }

  // ---------------------------------------------------------------- /media/{id}/file

  @Test
  void mediaFile_getsTheExactBytes() throws Exception {
    for (String name : List.of(BIG, AMELIE, CLIP, SHORT)) {
      HttpResponse<byte[]> r = get("/media/" + id(name) + "/file");
      assertThat(r.statusCode()).as(name).isEqualTo(200);
      assertThat(r.body()).as(name).isEqualTo(Files.readAllBytes(paths.get(name)));
      assertThat(r.headers().firstValue("Accept-Ranges")).contains("bytes");
    }
    assertThat(get("/media/" + id(BIG) + "/file").headers().firstValue("Content-Type")).contains("video/mp4");
    assertThat(get("/media/" + id(AMELIE) + "/file").headers().firstValue("Content-Type")).contains("video/x-matroska");
    assertThat(get("/media/" + id(CLIP) + "/file").headers().firstValue("Content-Type")).contains("video/webm");
  }

  @Test
  void mediaFile_rangeRequest_is206WithTheSlice() throws Exception {
    byte[] all = Files.readAllBytes(paths.get(BIG));
    HttpResponse<byte[]> r = get("/media/" + id(BIG) + "/file", "Range", "bytes=1000-1999");
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("Content-Range")).contains("bytes 1000-1999/" + all.length);
    assertThat(r.body()).isEqualTo(Arrays.copyOfRange(all, 1000, 2000));
    HttpResponse<byte[]> suffix = get("/media/" + id(BIG) + "/file", "Range", "bytes=-100");
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(all, all.length - 100, all.length));
    HttpResponse<byte[]> beyond = get("/media/" + id(BIG) + "/file", "Range", "bytes=" + all.length + "-");
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */" + all.length);
  }

  @Test
  void mediaFile_head_andDownloadName() throws Exception {
    HttpResponse<byte[]> head = send(HttpRequest.newBuilder(URI.create(server.url() + "/media/" + id(AMELIE) + "/file"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).contains(String.valueOf(Files.size(paths.get(AMELIE))));
    assertThat(head.body()).isEmpty();
    HttpResponse<byte[]> download = get("/media/" + id(AMELIE) + "/file?download=1");
    assertThat(download.headers().firstValue("Content-Disposition")).hasValueSatisfying(d -> assertThat(d)
        .startsWith("attachment;").contains("filename*=UTF-8''Am%C3%A9lie.2001.1080p.mkv"));
  }

  @Test
  void mediaFile_ofAnUnknownId_is404() throws Exception {
    assertThat(get("/media/AAAAAAAAAAAAAAAA/file").statusCode()).isEqualTo(404);
    assertThat(get("/media/" + id(BIG) + "x/file").statusCode()).isEqualTo(404);
  }

  // ---------------------------------------------------------------- the library routes

  @Test
  void scanRequest_is202_andAsksTheWatcher() throws Exception {
    int before = scanRequests.get();
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(server.url() + "/api/library/scan"))
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(json(r).getString("status")).isNotBlank();
    assertThat(scanRequests.get()).isEqualTo(before + 1);
    assertThat(get("/api/library/scan").statusCode()).as("GET is not a scan").isNotIn(200, 202);
    assertThat(scanRequests.get()).isEqualTo(before + 1);
  }

  @Test
  void libraryInfo_countsFoldersAndVideos_withoutPaths() throws Exception {
    JsonObject info = getJson("/api/library", 200);
    assertThat(info.getInteger("folders")).isEqualTo(1);
    assertThat(info.getInteger("videos")).isEqualTo(8);
  }

  @Test
  void unknownApiRoute_is404Json() throws Exception {
    getJson("/api/videos/" + id(BIG) + "/nothing", 404);
  }
}
