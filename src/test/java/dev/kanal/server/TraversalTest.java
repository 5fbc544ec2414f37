package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.LibraryConfig;
import dev.kanal.library.Library;
import dev.kanal.library.ScanReport;
import dev.kanal.library.Thumbnails;
import dev.kanal.library.Video;
import dev.kanal.media.Prober;
import dev.kanal.testing.RawHttp;
import dev.kanal.testing.RawHttp.Response;
import dev.kanal.testing.SampleVideos;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Path safety (issue #7, "Traversal"): files are served only by catalogue id. Traversal payloads are
 * sent byte for byte as the id of every route that takes one, and as whole request targets; secret
 * files outside the library folder carry a unique marker that must never come back. Symlinks out of
 * the media folder are not catalogued, and a catalogued file swapped for a link to the outside after
 * the scan is refused.
 */
class TraversalTest {

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final String MARKER = "KANAL-SECRET-" + UUID.randomUUID();

  @TempDir static Path root;
  static Path media;
  static Path secretDir;
  static Path secretText;
  static Path secretVideo;
  static Path siblingVideo;
  static Library library;
  static Metrics metrics;
  static KanalServer server;
  static ScanReport report;
  static final Map<String, String> ids = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    media = Files.createDirectories(root.resolve("media"));
    secretDir = Files.createDirectories(root.resolve("secret"));
    secretText = Files.writeString(secretDir.resolve("secret.txt"), MARKER + "\n");
    Files.writeString(secretDir.resolve("passwd"), MARKER + ":x:0:0:root:/root:/bin/sh\n");
    secretVideo = SampleVideos.marked(secretDir.resolve("secret.mp4"), 2, "red", MARKER);
    // A folder whose name starts with the media folder's: a string-prefix check would let it in.
    siblingVideo = SampleVideos.marked(root.resolve("media-other").resolve("other.mp4"), 1, "blue", MARKER);

    SampleVideos.h264(media.resolve("movie.mp4"), 4, 160, 90, 10, true);
    SampleVideos.h264(media.resolve("swap.mp4"), 3, 128, 72, 10, true);
    SampleVideos.h264(media.resolve("Season").resolve("episode.mp4"), 2, 96, 54, 10, false);
    Files.createSymbolicLink(media.resolve("link-in.mp4"), Path.of("movie.mp4"));
    Files.createSymbolicLink(media.resolve("link-out.mp4"), Path.of("../secret/secret.mp4"));
    Files.createSymbolicLink(media.resolve("abs-link.mp4"), secretVideo.toAbsolutePath());
    Files.createSymbolicLink(media.resolve("prefix-trick.mp4"), Path.of("../media-other/other.mp4"));
    Files.createSymbolicLink(media.resolve("linkdir"), Path.of("../secret"));
    Files.createDirectories(media.resolve("sub"));
    Files.createSymbolicLink(media.resolve("sub").resolve("loop"), Path.of(".."));

    library = Library.open(LibraryConfig.of(List.of(media)), root.resolve("kanal.db"),
        new Prober(Path.of("ffprobe"), Library.PROBE_TIMEOUT));
    report = library.scan();
    for (Video v : library.list("", null, Library.Sort.TITLE, false, 0, 100).items()) {
      ids.put((v.collection().isEmpty() ? "" : v.collection() + "/") + v.fileName(), v.id());
    }
    Thumbnails thumbnails = new Thumbnails(Path.of("ffmpeg"), root.resolve("cache"));
    MediaFiles files = id -> library.file(id)
        .map(e -> new MediaFile(e.path(), e.size(), e.modified(), e.contentType(), e.fileName()));
    metrics = Metrics.create("test");
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
        Optional.of(files), Optional.of(new VideoLibrary(library, thumbnails, () -> {}))), metrics);
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

  // ---------------------------------------------------------------- payloads

  /** Ways to write "../" (dot-dot, then separator) that some server somewhere has decoded into a parent step. */
  static final List<String[]> DOT_DOT_SLASH = List.of(
      new String[] {"..", "/"},
      new String[] {"..", "%2f"},
      new String[] {"..", "%2F"},
      new String[] {"%2e%2e", "%2f"},
      new String[] {"%2e%2e", "/"},
      new String[] {"%2E%2E", "%2F"},
      new String[] {".%2e", "/"},
      new String[] {"%2e.", "%2f"},
      new String[] {"..", "%252f"},
      new String[] {"%252e%252e", "%252f"},
      new String[] {"%25%32%65%25%32%65", "%25%32%66"},
      new String[] {"..", "\\"},
      new String[] {"..", "%5c"},
      new String[] {"%2e%2e", "%5C"},
      new String[] {"..", "%255c"},
      new String[] {"%c0%ae%c0%ae", "%c0%af"},
      new String[] {"%e0%80%ae%e0%80%ae", "%e0%80%af"},
      new String[] {"%f0%80%80%ae%f0%80%80%ae", "%f0%80%80%af"},
      new String[] {"..", "%c1%9c"},
      new String[] {"%u002e%u002e", "%u2215"},
      new String[] {"%ef%bc%8e%ef%bc%8e", "%ef%bc%8f"},
      new String[] {"..", "%e2%88%95"},
      new String[] {"....", "//"},
      new String[] {"..;", "/"},
      new String[] {"..%00", "/"},
      new String[] {"..", "%00/"},
      new String[] {"..", "/./"},
      new String[] {"...", "/"},
      new String[] {"..", "%2f%2f"},
      new String[] {"%2e%2e%2f..", "/"});

  /** Every payload, written in place of an id. */
  static List<String> payloads() throws IOException {
    List<String> out = new ArrayList<>();
    String movie = ids.get("movie.mp4");
    String absolute = secretText.toAbsolutePath().toString().substring(1);
    for (String[] v : DOT_DOT_SLASH) {
      String up = v[0] + v[1];
      // From the media folder to the secret: ../secret/secret.txt
      out.add(up + "secret" + v[1] + "secret.txt");
      // Far enough up to reach the file system root, then the secret's absolute path.
      out.add(up.repeat(12) + absolute.replace("/", v[1]));
    }
    String abs = secretText.toAbsolutePath().toString();
    out.addAll(List.of(
        "/etc/passwd", "%2fetc%2fpasswd", "%2Fetc%2Fpasswd", "//etc/passwd",
        abs, abs.replace("/", "%2f"), abs.replace("/", "%252f"), "file://" + abs, "file:" + abs.replace("/", "%2f"),
        "file:%2f%2f%2fetc%2fpasswd", "file:///etc/passwd",
        "C:%5cwindows%5cwin.ini", "C:/windows/win.ini", "C:%2fwindows%2fwin.ini", "c:..%5c..%5csecret.txt",
        "%5c%5c127.0.0.1%5cc$%5csecret.txt", "\\\\127.0.0.1\\share\\secret.txt", "%5c%5c%3f%5cC:%5csecret.txt",
        "~%2fsecret.txt", "~/secret.txt", "%7e%2fsecret.txt", "$HOME%2fsecret.txt", "${HOME}",
        "secret.txt", "secret", "secret.mp4", "passwd", "..", "%2e%2e", "%2e%2e%2f", "%2e%2e/", "../",
        "..%2f", "..%252f", "%252e%252e%252f", "..\\", "..%5c", "%c0%ae%c0%ae%c0%af", "%e0%80%ae", "%00", "..%00",
        "%2500", "....//", "..;/", "%u002e", "*", "%2a", "%20", "%0d%0aX-Injected:%20yes",
        movie + "%00", movie + "%00.mp4", movie + "/../../secret/secret.txt", movie + "%2f..%2f..%2fsecret%2fsecret.txt",
        movie + "/..%2f..%2fsecret%2fsecret.txt", movie + ";/../../secret", movie + "%3b%2f..%2fsecret", movie + "%20",
        movie + "%2e", movie + ".mp4", movie + "%5c..%5c..%5csecret%5csecret.txt",
        movie.toLowerCase(java.util.Locale.ROOT).equals(movie) ? movie.toUpperCase(java.util.Locale.ROOT) : movie.toLowerCase(java.util.Locale.ROOT),
        fingerprintId(secretVideo), fingerprintId(siblingVideo), fingerprintId(secretText),
        "a".repeat(129), "%2e%2e%2f".repeat(400) + "etc%2fpasswd", "../".repeat(3000) + "etc/passwd",
        "x".repeat(10_000)));
    return out;
  }

  /** The routes that take an id. */
  static final List<String[]> ROUTES = List.of(
      new String[] {"GET", "/media/{id}/file"},
      new String[] {"HEAD", "/media/{id}/file"},
      new String[] {"GET", "/media/{id}/file?download=1"},
      new String[] {"GET", "/api/videos/{id}"},
      new String[] {"GET", "/api/videos/{id}/poster.jpg"},
      new String[] {"GET", "/api/videos/{id}/thumbnails.vtt"},
      new String[] {"GET", "/api/videos/{id}/thumbnails.jpg"});

  static Stream<Arguments> payloadsOnEveryRoute() throws IOException {
    List<Arguments> out = new ArrayList<>();
    List<String> payloads = payloads();
    for (String[] route : ROUTES) {
      for (String p : payloads) {
        out.add(Arguments.of(route[0], route[1].replace("{id}", p)));
      }
    }
    return out.stream();
  }

  @Test
  void payloadList_isLongEnough() throws IOException {
    assertThat(payloads()).hasSizeGreaterThanOrEqualTo(60).doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("payloadsOnEveryRoute")
  void traversalPayload_asAnId_isRefused_andNeverLeaksTheSecret(String method, String target) throws IOException {
    assertRefused(method, target);
  }

  /**
   * Dot and empty segments are removed before routing (RFC 3986 section 5.2.4), so these targets name
   * an ordinary resource: they must get exactly what the plain target gets, a file inside the library
   * or the listing, and nothing else.
   */
  static Stream<Arguments> normalisedTargets() {
    String movie = ids.get("movie.mp4");
    List<Arguments> out = new ArrayList<>();
    for (String suffix : List.of("/file", "/file?download=1")) {
      out.add(Arguments.of("/media/" + movie + "/." + suffix, "/media/" + movie + suffix));
      out.add(Arguments.of("/media/" + movie + "/%2e" + suffix, "/media/" + movie + suffix));
      out.add(Arguments.of("/media/" + movie + "/" + suffix, "/media/" + movie + suffix));
      out.add(Arguments.of("/media/x/../" + movie + suffix, "/media/" + movie + suffix));
    }
    for (String suffix : List.of("", "/poster.jpg", "/thumbnails.vtt", "/thumbnails.jpg")) {
      out.add(Arguments.of("/api/videos/" + movie + "/." + suffix, "/api/videos/" + movie + suffix));
      out.add(Arguments.of("/api/videos/" + movie + "/" + suffix, "/api/videos/" + movie + suffix));
    }
    out.add(Arguments.of("/api/videos/.", "/api/videos/"));
    out.add(Arguments.of("/api/videos/%2e", "/api/videos/"));
    out.add(Arguments.of("/api/videos/secret/..", "/api/videos/"));
    return out.stream();
  }

  @ParameterizedTest(name = "GET {0} = GET {1}")
  @MethodSource("normalisedTargets")
  void dotAndEmptySegments_nameOnlyWhatThePlainTargetNames(String target, String plain) throws IOException {
    Response r = RawHttp.request(server.port(), "GET", target, List.of(), TIMEOUT);
    Response expected = RawHttp.request(server.port(), "GET", plain, List.of(), TIMEOUT);
    assertThat(r.text()).doesNotContain(MARKER);
    assertThat(r.status()).isEqualTo(expected.status());
    if (r.status() == 200) {
      assertThat(r.body()).isEqualTo(expected.body());
    }
  }

  static Stream<String> requestTargets() {
    String abs = secretText.toAbsolutePath().toString();
    return Stream.of(
        "../../etc/passwd",
        "../secret/secret.txt",
        "/../secret/secret.txt",
        "/media/../../secret/secret.txt",
        "/media/%2e%2e/%2e%2e/secret/secret.txt",
        "/media/..%2f..%2fsecret%2fsecret.txt/file",
        "/api/videos/../../../secret/secret.txt",
        "/api/../../secret/secret.txt",
        "/demo/../../secret/secret.txt",
        "/demo/%2e%2e/%2e%2e/secret/secret.txt",
        "/../../../../../../../../../.." + abs,
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e" + abs,
        "/..%2f..%2f..%2f..%2f..%2f..%2f..%2f.." + abs.replace("/", "%2f"),
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae" + abs,
        "/..\\..\\..\\..\\..\\..\\..\\.." + abs.replace('/', '\\'),
        abs,
        "//" + abs,
        "http://127.0.0.1/../../../../../../../.." + abs,
        "http://127.0.0.1/media/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f.." + abs.replace("/", "%2f") + "/file",
        "file://" + abs,
        "/index.html/../../../../../../../.." + abs,
        "/web/../../../../../../.." + abs,
        "/" + root.relativize(secretText));
  }

  @ParameterizedTest(name = "GET {0}")
  @MethodSource("requestTargets")
  void traversalPayload_asTheWholeRequestTarget_neverLeaksTheSecret(String target) throws IOException {
    assertRefused("GET", target);
  }

  static void assertRefused(String method, String target) throws IOException {
    Response r;
    try {
      r = RawHttp.exchange(server.port(), method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
          TIMEOUT);
    } catch (IOException e) {
      // The server may drop a request line it cannot parse without answering: nothing was served.
      assertThat(e.getMessage()).as("%s %s", method, clip(target)).contains("no complete response head");
      return;
    }
    String body = r.text();
    assertThat(body).as("%s %s leaked the secret", method, clip(target)).doesNotContain(MARKER);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain(MARKER);
    assertThat(r.headers().toString()).doesNotContain(MARKER);
    assertThat(r.status()).as("%s %s -> %s %s", method, clip(target), r.status(), clip(body)).isBetween(400, 499);
  }

  static String clip(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "...(" + s.length() + " chars)" : s;
  }

  /** The id the library would give {@code file} (issue #7: ids derive from the content fingerprint). */
  static String fingerprintId(Path file) throws IOException {
    try {
      long size = Files.size(file);
      assertThat(size).as("whole-file fingerprint only for small files").isLessThanOrEqualTo(3 * 64 * 1024);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(ByteBuffer.allocate(Long.BYTES).putLong(0, size));
      sha.update(Files.readAllBytes(file));
      String fingerprint = HexFormat.of().formatHex(sha.digest());
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(("kanal-video:" + fingerprint).getBytes(StandardCharsets.US_ASCII));
      String id = Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
      // ids never start with '-' (a command line would take them for options): Z instead
      return id.startsWith("-") ? "Z" + id.substring(1) : id;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- symlinks

  @Test
  void scan_cataloguesOnlyFilesInsideTheLibrary() {
    assertThat(ids).containsOnlyKeys("movie.mp4", "link-in.mp4", "swap.mp4", "Season/episode.mp4");
    assertThat(report.skipped()).anySatisfy(s -> assertThat(s).contains("link-out.mp4").contains("links out"));
    assertThat(report.skipped()).anySatisfy(s -> assertThat(s).contains("abs-link.mp4").contains("links out"));
    assertThat(report.skipped()).anySatisfy(s -> assertThat(s).contains("prefix-trick.mp4").contains("links out"));
    assertThat(report.skipped()).anySatisfy(s -> assertThat(s).contains("linkdir").contains("folder links out"));
    assertThat(report.skipped()).anySatisfy(s -> assertThat(s).contains("loop"));
    assertThat(report.problems()).isEmpty();
  }

  @Test
  void symlinkToAVideoOutside_isNotCatalogued_andItsIdIsUnknown() throws Exception {
    for (Path outside : List.of(secretVideo, siblingVideo)) {
      String id = fingerprintId(outside);
      assertThat(ids).doesNotContainValue(id);
      assertThat(library.file(id)).isEmpty();
      assertThat(library.get(id)).isEmpty();
      for (String path : List.of("/media/" + id + "/file", "/api/videos/" + id, "/api/videos/" + id + "/poster.jpg")) {
        Response r = RawHttp.request(server.port(), "GET", path, List.of(), TIMEOUT);
        assertThat(r.status()).as(path).isEqualTo(404);
        assertThat(r.text()).doesNotContain(MARKER);
      }
    }
    // Sanity check of fingerprintId: it computes the ids the library gives.
    assertThat(fingerprintId(media.resolve("swap.mp4"))).isEqualTo(ids.get("swap.mp4"));
  }

  @Test
  void symlinkedFolderPointingOutside_isSkipped() throws Exception {
    Page page = list();
    assertThat(page.collections).doesNotContain("linkdir", "sub/loop");
    assertThat(page.fileNames).doesNotContain("secret.mp4", "other.mp4", "link-out.mp4", "abs-link.mp4", "prefix-trick.mp4");
    Response search = RawHttp.request(server.port(), "GET", "/api/videos?q=secret", List.of(), TIMEOUT);
    assertThat(search.status()).isEqualTo(200);
    assertThat(search.text()).contains("\"total\":0").doesNotContain(MARKER);
  }

  @Test
  void symlinkToAFileInsideTheLibrary_isServed() throws Exception {
    Response r = RawHttp.request(server.port(), "GET", "/media/" + ids.get("link-in.mp4") + "/file", List.of(), TIMEOUT);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(Files.readAllBytes(media.resolve("movie.mp4")));
    Response movie = RawHttp.request(server.port(), "GET", "/media/" + ids.get("movie.mp4") + "/file", List.of(), TIMEOUT);
    assertThat(movie.status()).isEqualTo(200);
    assertThat(movie.body()).isEqualTo(r.body());
  }

  @Test
  void cataloguedFile_replacedAfterTheScanByASymlinkOut_isRefused() throws Exception {
    String id = ids.get("swap.mp4");
    Path swap = media.resolve("swap.mp4");
    Path original = root.resolve("swap.mp4.orig");
    Response before = RawHttp.request(server.port(), "GET", "/media/" + id + "/file", List.of(), TIMEOUT);
    assertThat(before.status()).isEqualTo(200);
    assertThat(before.body()).isEqualTo(Files.readAllBytes(swap));
    Files.move(swap, original);
    try {
      Files.createSymbolicLink(swap, secretVideo);
      assertThat(library.file(id)).isEmpty();
      for (String[] request : List.of(new String[] {"GET", "/media/" + id + "/file"}, new String[] {"HEAD", "/media/" + id + "/file"},
          new String[] {"GET", "/media/" + id + "/file?download=1"})) {
        Response r = RawHttp.request(server.port(), request[0], request[1], List.of(), TIMEOUT);
        assertThat(r.status()).as(String.join(" ", request)).isEqualTo(404);
        assertThat(r.text()).doesNotContain(MARKER);
      }
      Response ranged = RawHttp.request(server.port(), "GET", "/media/" + id + "/file", List.of("Range: bytes=0-"), TIMEOUT);
      assertThat(ranged.status()).isEqualTo(404);
      assertThat(ranged.text()).doesNotContain(MARKER);
      // Nor are pictures made from the file it now points to.
      for (String picture : List.of("poster.jpg", "thumbnails.vtt", "thumbnails.jpg")) {
        Response r = RawHttp.request(server.port(), "GET", "/api/videos/" + id + "/" + picture, List.of(), TIMEOUT);
        assertThat(r.status()).as(picture).isEqualTo(404);
      }
    } finally {
      Files.deleteIfExists(swap);
      Files.move(original, swap);
    }
    Response after = RawHttp.request(server.port(), "GET", "/media/" + id + "/file", List.of(), TIMEOUT);
    assertThat(after.status()).as("served again once the real file is back").isEqualTo(200);
  }

  @Test
  void cataloguedFolder_replacedAfterTheScanByASymlinkOut_isRefused() throws Exception {
    String id = ids.get("Season/episode.mp4");
    Path season = media.resolve("Season");
    Path moved = root.resolve("season-outside");
    assertThat(RawHttp.request(server.port(), "GET", "/media/" + id + "/file", List.of(), TIMEOUT).status()).isEqualTo(200);
    Files.move(season, moved);
    try {
      Files.createSymbolicLink(season, moved);
      Files.writeString(moved.resolve("episode.mp4"), MARKER, java.nio.file.StandardOpenOption.APPEND);
      assertThat(library.file(id)).isEmpty();
      Response r = RawHttp.request(server.port(), "GET", "/media/" + id + "/file", List.of(), TIMEOUT);
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.text()).doesNotContain(MARKER);
    } finally {
      Files.delete(season);
      Files.move(moved, season);
    }
  }

  @Test
  void cataloguedFile_replacedByASymlinkToAnotherFileInside_isStillServed() throws Exception {
    String id = ids.get("swap.mp4");
    Path swap = media.resolve("swap.mp4");
    Path original = root.resolve("swap.mp4.inside");
    Files.move(swap, original);
    try {
      Files.createSymbolicLink(swap, Path.of("movie.mp4"));
      Response r = RawHttp.request(server.port(), "GET", "/media/" + id + "/file", List.of(), TIMEOUT);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(Files.readAllBytes(media.resolve("movie.mp4")));
    } finally {
      Files.deleteIfExists(swap);
      Files.move(original, swap);
    }
  }

  record Page(List<String> fileNames, List<String> collections) {}

  static Page list() throws IOException {
    Response r = RawHttp.request(server.port(), "GET", "/api/videos?limit=500", List.of(), TIMEOUT);
    assertThat(r.status()).isEqualTo(200);
    io.vertx.core.json.JsonObject page = new io.vertx.core.json.JsonObject(new String(r.body(), StandardCharsets.UTF_8));
    List<String> names = new ArrayList<>();
    List<String> collections = new ArrayList<>();
    page.getJsonArray("items").forEach(o -> {
      names.add(((io.vertx.core.json.JsonObject) o).getString("fileName"));
      collections.add(((io.vertx.core.json.JsonObject) o).getString("collection"));
    });
    return new Page(names, collections);
  }
}
