package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kanal.config.ByteSize;
import dev.kanal.config.KanalConfig.LibraryConfig;
import dev.kanal.config.KanalConfig.PackagingConfig;
import dev.kanal.config.KanalConfig.VodConfig;
import dev.kanal.library.Library;
import dev.kanal.library.Thumbnails;
import dev.kanal.library.Video;
import dev.kanal.media.PackageStatus;
import dev.kanal.media.Packages;
import dev.kanal.media.Prober;
import dev.kanal.playlist.ValidationIssue;
import dev.kanal.testing.VodCheck;
import dev.kanal.testing.VodVideos;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * VOD HLS over a real library and server (issue #8, the on-demand half): ten-minute 1080p sources
 * (H.264/AAC MP4, remuxed; MPEG-2/AAC Matroska, transcoded), 1080p HEVC Matroska, 10-bit H.264, a
 * file with two audio tracks and one with B-frames, all made by ffmpeg; playlists validated strictly,
 * segments checked with ffprobe and ffmpeg.
 */
class VodRoutesTest {

  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final String ORIGIN = "https://app.example";
  static final Pattern VARIANT = Pattern.compile("(?m)^(od-[0-9a-f]{12}/index\\.m3u8)$");

  @TempDir static Path root;
  static Path media;
  static Path data;
  static Library library;
  static Metrics metrics;
  static KanalServer server;
  static HttpClient http;
  static Path packageDir;
  static Path outside;
  static final Map<String, String> ids = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    media = Files.createDirectories(root.resolve("media"));
    data = Files.createDirectories(root.resolve("data"));
    VodVideos.place(VodVideos.longH264(), media, "Long.H264.mp4");
    VodVideos.place(VodVideos.longMpeg2(), media, "Long.Mpeg2.mkv");
    VodVideos.place(VodVideos.hevcMkv(), media, "Hevc.mkv");
    VodVideos.place(VodVideos.tenBit(), media, "Ten.Bit.mp4");
    VodVideos.place(VodVideos.twoAudio(), media, "Two.Audio.mkv");
    VodVideos.place(VodVideos.bFrames(), media, "B.Frames.mp4");
    Files.write(media.resolve("Broken.mp4"), "not a video at all\n".repeat(100).getBytes(StandardCharsets.UTF_8));
    library = Library.open(LibraryConfig.of(List.of(media)), data.resolve("kanal.db"),
        new Prober(Path.of("ffprobe"), Library.PROBE_TIMEOUT));
    library.scan();
    for (Video v : library.list("", null, Library.Sort.TITLE, false, 0, 100).items()) {
      ids.put(v.fileName(), v.id());
    }
    // A published package for the B-frames video: a folder with master.m3u8 at its root.
    packageDir = Files.createDirectories(root.resolve("packages").resolve("pkg"));
    Files.createDirectories(packageDir.resolve("v0"));
    Files.writeString(packageDir.resolve("master.m3u8"), "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\nv0/index.m3u8\n");
    Files.writeString(packageDir.resolve("v0").resolve("index.m3u8"), "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\nseg0.ts\n#EXT-X-ENDLIST\n");
    Files.write(packageDir.resolve("v0").resolve("seg0.ts"), new byte[188 * 10]);
    outside = Files.writeString(root.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(packageDir.resolve("v0").resolve("link.ts"), outside);
    String packagedId = ids.get("B.Frames.mp4");
    Packages packages = new Packages() {
      @Override
      public Optional<Path> published(String videoId) {
        return videoId.equals(packagedId) ? Optional.of(packageDir) : Optional.empty();
      }

      @Override
      public PackageStatus status(String videoId) {
        return PackageStatus.none(videoId);
      }

      @Override
      public PackageStatus request(String videoId) {
        return PackageStatus.none(videoId);
      }

      @Override
      public boolean cancel(String videoId) {
        return false;
      }
    };
    VodConfig vod = new VodConfig(Duration.ofSeconds(6), ByteSize.parse("2GiB"), 3, "software", List.of(ORIGIN),
        PackagingConfig.defaults());
    VodSetup setup = new VodSetup(vod, data.resolve("cache").resolve("vod"), Path.of("ffmpeg"), Path.of("ffprobe"), packages);
    Thumbnails thumbnails = new Thumbnails(Path.of("ffmpeg"), data.resolve("cache").resolve("thumbnails"));
    MediaFiles files = id -> library.file(id)
        .map(e -> new MediaFile(e.path(), e.size(), e.modified(), e.contentType(), e.fileName()));
    metrics = Metrics.create("test");
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
        Optional.of(files), Optional.of(new VideoLibrary(library, thumbnails, () -> {}))).withVod(setup), metrics);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    // A server that has answered once (classes loaded): the latency bounds are about the work per video.
    assertThat(get("/vod/" + ids.get("Two.Audio.mkv") + "/master.m3u8").statusCode()).isEqualTo(200);
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

  // ---- decision ----

  @Test
  void details_sayWhichModeAndWhy() throws Exception {
    assertDecision("Long.H264.mp4", "direct", "h264/aac");
    assertDecision("Long.Mpeg2.mkv", "transcode", "mpeg2video video");
    assertDecision("Hevc.mkv", "remux", "Matroska");
    assertDecision("Ten.Bit.mp4", "transcode", "10-bit");
    assertDecision("Two.Audio.mkv", "remux", "h264/aac");
    assertDecision("B.Frames.mp4", "packaged", "package");
    JsonObject d = json("/api/videos/" + ids.get("Hevc.mkv"));
    assertThat(d.getJsonObject("playback").getJsonObject("hls").getString("url"))
        .isEqualTo("/vod/" + ids.get("Hevc.mkv") + "/master.m3u8");
    assertThat(d.getJsonObject("playback").getJsonObject("file").getString("url")).isEqualTo("/media/" + ids.get("Hevc.mkv") + "/file");
    JsonObject broken = json("/api/videos/" + ids.get("Broken.mp4"));
    assertThat(broken.getJsonObject("playback").getValue("decision")).isNull();
  }

  private void assertDecision(String file, String mode, String reasonPart) throws Exception {
    JsonObject decision = json("/api/videos/" + ids.get(file)).getJsonObject("playback").getJsonObject("decision");
    assertThat(decision.getString("mode")).as(file).isEqualTo(mode);
    assertThat(decision.getString("reason")).as(file).contains(reasonPart);
  }

  // ---- done-when bounds on the ten-minute sources ----

  @Test
  void remux_tenMinutes1080p_masterFirstSegmentAndSeekWithinOneSecond() throws Exception {
    String id = ids.get("Long.H264.mp4");
    long t0 = System.nanoTime();
    HttpResponse<String> master = get("/vod/" + id + "/master.m3u8");
    double masterSeconds = seconds(t0);
    assertThat(master.statusCode()).isEqualTo(200);
    assertThat(masterSeconds).as("master playlist latency").isLessThan(1.0);
    String base = "/vod/" + id + "/" + variant(master.body()).replace("index.m3u8", "");
    String playlist = get(base + "index.m3u8").body();
    assertThat(playlist).contains("#EXT-X-PLAYLIST-TYPE:VOD").endsWith("#EXT-X-ENDLIST\n");
    List<?> durations = VodCheck.durations(playlist);
    assertThat(durations).hasSize(100);
    assertThat(VodCheck.startOf(playlist, 100)).isCloseTo(600.0, within(1.0));

    t0 = System.nanoTime();
    Path first = download(base + "0.ts");
    assertThat(seconds(t0)).as("first remuxed segment").isLessThan(1.0);
    int at80 = 80;
    t0 = System.nanoTime();
    Path seek = download(base + at80 + ".ts");
    assertThat(seconds(t0)).as("remuxed segment at 80%").isLessThan(1.0);
    assertStartsAtPlaylistTime(first, playlist, 0, 0.1);
    assertStartsAtPlaylistTime(seek, playlist, at80, 0.1);
    assertThat(VodCheck.decodeErrors(seek)).isEmpty();
  }

  @Test
  void transcode_tenMinutes1080p_firstSegmentAndSeekWithinThreeSeconds() throws Exception {
    String id = ids.get("Long.Mpeg2.mkv");
    long t0 = System.nanoTime();
    HttpResponse<String> master = get("/vod/" + id + "/master.m3u8");
    assertThat(seconds(t0)).as("master playlist latency").isLessThan(1.0);
    assertThat(master.body()).contains("CODECS=\"avc1.42C028,mp4a.40.2\"").contains("RESOLUTION=1920x1080");
    String base = "/vod/" + id + "/" + variant(master.body()).replace("index.m3u8", "");
    String playlist = get(base + "index.m3u8").body();
    List<java.math.BigDecimal> grid = VodCheck.durations(playlist);
    assertThat(grid).hasSize(100);
    assertThat(grid.subList(0, 99)).allSatisfy(d -> assertThat(d.doubleValue()).isEqualTo(6.0));

    // 3 s on this 2-core machine when it is not shared; when other work slows it down, the bound grows
    // with a plain cold ffmpeg doing the same encode right now (Kanal must not add more than half).
    // The plain run is timed before and after (the load of a shared machine changes from second to second).
    double plainBefore = plainTranscodeSeconds(VodVideos.longMpeg2(), 300);
    t0 = System.nanoTime();
    Path first = download(base + "0.ts");
    double firstSeconds = seconds(t0);
    t0 = System.nanoTime();
    Path seek = download(base + "80.ts");
    double seekSeconds = seconds(t0);
    double plain = Math.max(plainBefore, plainTranscodeSeconds(VodVideos.longMpeg2(), 360));
    double bound = Math.max(3.0, plain * 1.5);
    System.out.printf("transcode: first segment %.2f s, at 80%% %.2f s, plain ffmpeg %.2f s, bound %.2f s%n",
        firstSeconds, seekSeconds, plain, bound);
    assertThat(firstSeconds).as("first transcoded segment").isLessThan(bound);
    assertThat(seekSeconds).as("transcoded segment at 80%").isLessThan(bound);
    // Video and audio are re-encoded from the exact grid time: both start at the playlist time.
    assertStartsAtPlaylistTime(first, playlist, 0, 0.1);
    assertStartsAtPlaylistTime(seek, playlist, 80, 0.1);
    assertThat(VodCheck.streams(seek)).contains("h264,video,1920,1080,yuv420p").contains("aac,audio,2");
    assertThat(VodCheck.decodeErrors(seek)).isEmpty();
  }

  // ---- playlists ----

  @ParameterizedTest
  @ValueSource(strings = {"Long.H264.mp4", "Long.Mpeg2.mkv", "Hevc.mkv", "Ten.Bit.mp4", "Two.Audio.mkv"})
  void playlists_passStrictValidation_withOnlyTheJustifiedWarning(String file) throws Exception {
    String id = ids.get(file);
    String master = get("/vod/" + id + "/master.m3u8").body();
    List<ValidationIssue> masterIssues = VodCheck.validateStrict(master);
    // docs/API.md: on-demand streams have no I-frame playlists (they would need every key frame made up front).
    assertThat(masterIssues).extracting(ValidationIssue::code).containsExactly("APPLE-IFRAME-PLAYLISTS");
    String playlist = get("/vod/" + id + "/" + variant(master)).body();
    assertThat(VodCheck.validateStrict(playlist)).as(playlist).isEmpty();
    assertThat(playlist).startsWith("#EXTM3U\n").contains("#EXT-X-PLAYLIST-TYPE:VOD\n").endsWith("#EXT-X-ENDLIST\n");
  }

  // ---- every rendition end to end, segments made after seeks ----

  @ParameterizedTest
  @ValueSource(strings = {"Hevc.mkv", "Ten.Bit.mp4", "Two.Audio.mkv"})
  void everyRendition_decodesEndToEnd_andSegmentsAfterSeeksStartOnTheGrid(String file) throws Exception {
    String id = ids.get(file);
    String master = get("/vod/" + id + "/master.m3u8").body();
    String base = "/vod/" + id + "/" + variant(master).replace("index.m3u8", "");
    String playlist = get(base + "index.m3u8").body();
    int count = VodCheck.durations(playlist).size();
    assertThat(count).isGreaterThanOrEqualTo(2);
    // Backwards: the last segment first (a seek), then each earlier one restarts ffmpeg there.
    Path[] segments = new Path[count];
    for (int n = count - 1; n >= 0; n--) {
      segments[n] = download(base + n + ".ts");
      // Copied audio is cut where ffmpeg interleaves it with the key frame's decode time: up to the
      // B-frame delay (x265 ultrafast: 3 frames) before the boundary, plus one AAC frame.
      assertStartsAtPlaylistTime(segments[n], playlist, n,
          file.equals("Hevc.mkv") ? 3 / 10.0 + 0.025 : file.equals("Ten.Bit.mp4") ? 1024 / 48000.0 + 0.001 : 0.1);
    }
    Path joined = root.resolve("joined-" + id + ".ts");
    try (var out = Files.newOutputStream(joined)) {
      for (Path s : segments) {
        out.write(Files.readAllBytes(s));
      }
    }
    // ffprobe decodes the whole rendition through its playlist, as a player would.
    Object[] frames = VodCheck.probeFrames(server.url() + base + "index.m3u8");
    assertThat((String) frames[0]).as(file + " decode errors").isEmpty();
    double fps = file.equals("Hevc.mkv") ? 10 : 25;
    assertThat((long) frames[1]).as("video frames").isCloseTo(Math.round(VodCheck.startOf(playlist, count) * fps), within(2L));
    assertThat((long) frames[2]).as("audio frames").isGreaterThan(0);
    if (!file.equals("Ten.Bit.mp4")) {
      // Copied streams: segments of different jobs join as one continuous run would cut them (no overlap).
      // Re-encoded audio starts at the grid time minus the AAC encoder's priming (1024 samples, checked
      // above), which overlaps the segment before by those 21 ms of priming; players drop them.
      assertThat(VodCheck.decodeErrors(joined)).as(file).isEmpty();
    }
    String streams = VodCheck.streams(joined);
    assertThat(streams).as(file).contains(file.equals("Hevc.mkv") ? "hevc,video" : "h264,video");
    if (file.equals("Ten.Bit.mp4")) {
      assertThat(streams).contains("yuv420p").doesNotContain("yuv420p10");
    }
    if (file.equals("Two.Audio.mkv")) {
      // The default track (the second, mono) is the one carried, and only it.
      assertThat(streams.lines().filter(l -> l.startsWith("aac,audio")).distinct().toList()).containsExactly("aac,audio,1");
    }
  }

  // ---- HTTP rules ----

  @Test
  void caching_segmentsImmutable_vodPlaylistsADay_masterNoCache() throws Exception {
    String id = ids.get("Ten.Bit.mp4");
    HttpResponse<String> master = get("/vod/" + id + "/master.m3u8");
    assertThat(master.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(master.headers().firstValue("Content-Type")).hasValue("application/vnd.apple.mpegurl");
    String base = "/vod/" + id + "/" + variant(master.body()).replace("index.m3u8", "");
    assertThat(get(base + "index.m3u8").headers().firstValue("Cache-Control")).hasValue("public, max-age=86400");
    HttpResponse<byte[]> segment = getBytes(base + "0.ts", Map.of());
    assertThat(segment.statusCode()).isEqualTo(200);
    assertThat(segment.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
    assertThat(segment.headers().firstValue("Content-Type")).hasValue("video/mp2t");
    assertThat(segment.body()[0]).isEqualTo((byte) 0x47);
  }

  @Test
  void playlists_areGzipped_onlyWhenAccepted() throws Exception {
    String id = ids.get("Long.H264.mp4");
    String plain = get("/vod/" + id + "/" + variant(get("/vod/" + id + "/master.m3u8").body())).body();
    String path = "/vod/" + id + "/" + variant(get("/vod/" + id + "/master.m3u8").body());
    HttpResponse<byte[]> gz = getBytes(path, Map.of("Accept-Encoding", "gzip"));
    assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(gz.headers().firstValue("Vary")).hasValueSatisfying(v -> assertThat(v).contains("Accept-Encoding"));
    assertThat(gz.body().length).isLessThan(plain.length() / 3);
    String unzipped = new String(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(), StandardCharsets.UTF_8);
    assertThat(unzipped).isEqualTo(plain);
    HttpResponse<byte[]> refused = getBytes(path, Map.of("Accept-Encoding", "gzip;q=0, identity"));
    assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(new String(refused.body(), StandardCharsets.UTF_8)).isEqualTo(plain);
  }

  @Test
  void cors_allowsTheConfiguredOrigin_andAnswersPreflight() throws Exception {
    String id = ids.get("Long.H264.mp4");
    HttpResponse<byte[]> allowed = getBytes("/vod/" + id + "/master.m3u8", Map.of("Origin", ORIGIN));
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    HttpResponse<byte[]> api = getBytes("/api/videos/" + id, Map.of("Origin", ORIGIN));
    assertThat(api.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    HttpResponse<byte[]> media = getBytes("/media/" + id + "/file", Map.of("Origin", ORIGIN, "Range", "bytes=0-99"));
    assertThat(media.statusCode()).isEqualTo(206);
    assertThat(media.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    assertThat(media.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(v -> assertThat(v).contains("Content-Range"));
    HttpResponse<byte[]> other = getBytes("/vod/" + id + "/master.m3u8", Map.of("Origin", "https://evil.example"));
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

    HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/media/" + id + "/file"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", ORIGIN)
        .header("Access-Control-Request-Method", "GET").header("Access-Control-Request-Headers", "range")
        .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(v -> assertThat(v).contains("GET"));
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValue("range");
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/vod/" + id + "/master.m3u8"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "GET").timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void badInput_answersJsonWithoutPaths() throws Exception {
    String id = ids.get("Ten.Bit.mp4");
    String base = "/vod/" + id + "/" + variant(get("/vod/" + id + "/master.m3u8").body()).replace("index.m3u8", "");
    assertError(get("/vod/NoSuchVideo/master.m3u8"), 404);
    assertError(get(base + "99999.ts"), 404);
    assertError(get(base + "2.ts"), 404); // 12 s at 6 s: segments 0 and 1 only
    assertError(get(base + "abc.ts"), 404);
    assertError(get(base + "007.ts"), 404);
    assertError(get("/vod/" + id + "/od-000000000000/0.ts"), 404);
    assertError(get("/vod/" + id + "/od-000000000000/index.m3u8"), 404);
    HttpResponse<String> broken = get("/vod/" + ids.get("Broken.mp4") + "/master.m3u8");
    assertError(broken, 409);
    assertThat(broken.body()).contains("cannot be played");
  }

  private void assertError(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.uri().toString()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(new JsonObject(r.body()).getString("error")).isNotBlank();
    assertThat(r.body()).doesNotContain(root.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  // ---- packaged ----

  @Test
  void packaged_isServedFromItsFolder_withoutEscapes() throws Exception {
    String id = ids.get("B.Frames.mp4");
    HttpResponse<String> master = get("/vod/" + id + "/master.m3u8");
    assertThat(master.statusCode()).isEqualTo(200);
    assertThat(master.body()).isEqualTo(Files.readString(packageDir.resolve("master.m3u8")));
    assertThat(master.headers().firstValue("Cache-Control")).hasValue("public, max-age=86400");
    HttpResponse<byte[]> segment = getBytes("/vod/" + id + "/v0/seg0.ts", Map.of());
    assertThat(segment.statusCode()).isEqualTo(200);
    assertThat(segment.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
    assertThat(segment.body()).hasSize(1880);
    assertThat(get("/vod/" + id + "/v0/index.m3u8").headers().firstValue("Content-Type")).hasValue("application/vnd.apple.mpegurl");
    assertThat(get("/vod/" + id + "/v0/link.ts").statusCode()).as("symlink out of the package").isEqualTo(404);
    assertThat(get("/vod/" + id + "/v0/missing.ts").statusCode()).isEqualTo(404);
    assertThat(rawStatus("/vod/" + id + "/v0/../../secret.txt")).isIn(400, 404);
    assertThat(rawStatus("/vod/" + id + "/..%2F..%2Fsecret.txt")).isIn(400, 404);
    assertThat(rawStatus("/vod/" + id + "/.hidden")).isEqualTo(404);
  }

  // ---- helpers ----

  static String variant(String master) {
    Matcher m = VARIANT.matcher(master);
    assertThat(m.find()).as(master).isTrue();
    return m.group(1);
  }

  /** Video starts at the playlist time within one frame (40 ms); copied audio within {@code audioTolerance}. */
  static void assertStartsAtPlaylistTime(Path segment, String playlist, int n, double audioTolerance) throws Exception {
    double expected = VodCheck.startOf(playlist, n);
    Map<String, Double> starts = new HashMap<>(VodCheck.startTimes(segment));
    // MPEG-TS times are 33-bit: the AAC encoder's priming (-21 ms) in segment 0 is written as 2^33 - 1920 ticks.
    starts.replaceAll((k, v) -> v > (1L << 32) / 90000.0 ? v - (1L << 33) / 90000.0 : v);
    if (starts.containsKey("video")) {
      assertThat(starts.get("video")).as("video start of segment " + n).isCloseTo(expected, within(0.04));
    }
    if (starts.containsKey("audio")) {
      assertThat(starts.get("audio")).as("audio start of segment " + n).isCloseTo(expected, within(audioTolerance));
    }
    assertThat(starts).isNotEmpty();
  }

  /** A plain cold {@code ffmpeg -ss T -i src -t 6} encode of the same kind, in seconds. */
  static double plainTranscodeSeconds(Path source, int at) throws Exception {
    Path out = Files.createTempFile(root, "plain-", ".ts");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-y", "-ss", Integer.toString(at),
        "-i", source.toString(), "-t", "6", "-map", "0:v:0", "-map", "0:a:0", "-c:v", "libx264", "-preset", "ultrafast",
        "-crf", "23", "-c:a", "aac", "-f", "mpegts", out.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    return seconds(t0);
  }

  static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<byte[]> getBytes(String path, Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(TIMEOUT);
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static Path download(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = getBytes(path, Map.of());
    assertThat(r.statusCode()).as(path + ": " + new String(r.body(), StandardCharsets.UTF_8).substring(0,
        Math.min(200, r.body().length))).isEqualTo(200);
    Path f = Files.createTempFile(root, "seg-", ".ts");
    Files.write(f, r.body());
    return f;
  }

  static JsonObject json(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /** The status of a request sent byte for byte (the JDK client would normalise the path). */
  static int rawStatus(String path) throws IOException {
    try (var socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }
}
