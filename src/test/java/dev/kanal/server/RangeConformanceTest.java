package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.RawHttp;
import dev.kanal.testing.RawHttp.Part;
import dev.kanal.testing.RawHttp.Response;
import dev.kanal.testing.TestMediaFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 * RFC 9110 byte serving of {@code /media/{id}/file} with written-down expectations: the Go
 * {@code net/http} ServeContent range cases on an 11-byte file, nginx's answers to malformed ranges,
 * ranges of an empty file, and the conditional headers, each with {@code GET} and {@code HEAD}.
 * {@link RangeVersusNginxTest} checks the same ground against a running nginx.
 */
class RangeConformanceTest {

  static final String CONTENT = "abcdefghijk";
  static final Instant MTIME = Instant.parse("2026-11-01T12:34:56Z");
  static final String ETAG = "\"" + Long.toHexString(MTIME.getEpochSecond()) + "-b\"";
  static final String LAST_MODIFIED = "Sun, 01 Nov 2026 12:34:56 GMT";
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir static Path dir;
  static Metrics metrics;
  static KanalServer server;

  @BeforeAll
  static void start() throws Exception {
    Path eleven = Files.writeString(dir.resolve("eleven.mp4"), CONTENT, StandardCharsets.US_ASCII);
    Path empty = Files.write(dir.resolve("empty.mp4"), new byte[0]);
    Path named = Files.writeString(dir.resolve("Ünïcødé film \"cut\".mkv"), CONTENT, StandardCharsets.US_ASCII);
    for (Path p : List.of(eleven, empty, named)) {
      Files.setLastModifiedTime(p, FileTime.from(MTIME));
    }
    metrics = Metrics.create("test");
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
        Optional.of(TestMediaFiles.of(Map.of("eleven", eleven, "empty", empty, "named", named)))), metrics);
  }

  @AfterAll
  static void stop() {
    server.close();
    metrics.close();
  }

  /** One expected answer: status, Content-Range, and the body (single) or parts ("first-last:bytes"). */
  record Expect(int status, String contentRange, String body, List<String> parts) {
    static Expect whole() {
      return new Expect(200, null, CONTENT, null);
    }

    static Expect partial(long first, long last) {
      return new Expect(206, "bytes " + first + "-" + last + "/11", CONTENT.substring((int) first, (int) last + 1), null);
    }

    static Expect multipart(String... parts) {
      return new Expect(206, null, null, List.of(parts));
    }

    static Expect unsatisfiable() {
      return new Expect(416, "bytes */11", null, null);
    }
  }

  static Stream<Arguments> rangeCases() {
    List<Object[]> cases = new ArrayList<>();
    // Go net/http ServeContent (fs_test.go ServeFileRangeTests), on an 11-byte file.
    cases.add(new Object[] {"bytes=0-4", Expect.partial(0, 4)});
    cases.add(new Object[] {"bytes=2-", Expect.partial(2, 10)});
    cases.add(new Object[] {"bytes=-5", Expect.partial(6, 10)});
    cases.add(new Object[] {"bytes=3-7", Expect.partial(3, 7)});
    cases.add(new Object[] {"bytes=5-1000", Expect.partial(5, 10)});
    cases.add(new Object[] {"bytes=0-9", Expect.partial(0, 9)});
    cases.add(new Object[] {"bytes=0-10", Expect.partial(0, 10)});
    cases.add(new Object[] {"bytes=0-11", Expect.partial(0, 10)});
    cases.add(new Object[] {"bytes=10-11", Expect.partial(10, 10)});
    cases.add(new Object[] {"bytes=10-", Expect.partial(10, 10)});
    cases.add(new Object[] {"bytes=0-0,-2", Expect.multipart("0-0:a", "9-10:jk")});
    cases.add(new Object[] {"bytes=0-1,5-8", Expect.multipart("0-1:ab", "5-8:fghi")});
    cases.add(new Object[] {"bytes=0-1,5-", Expect.multipart("0-1:ab", "5-10:fghijk")});
    cases.add(new Object[] {"bytes=5-1000,0-4", Expect.multipart("5-10:fghijk", "0-4:abcde")});
    cases.add(new Object[] {"bytes=0-,1-,2-,3-,4-", Expect.whole()});
    cases.add(new Object[] {"bytes=11-", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=11-12", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=12-12", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=11-100", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=12-100", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=100-", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=100-1000", Expect.unsatisfiable()});
    // Invalid suffixes and syntax: nginx answers 416 (Go 416 too, but 200 for some; nginx decides here).
    cases.add(new Object[] {"bytes=--6", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=--0", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=---0", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=-6-", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=-0", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=abc", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=5-3", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=,", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=0-4,", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=+1-2", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=1-2;x", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=99999999999999999999-", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=9223372036854775807-", Expect.unsatisfiable()});
    cases.add(new Object[] {"bytes=0-9223372036854775807", Expect.partial(0, 10)});
    // Not a byte range request at all: the whole file.
    cases.add(new Object[] {"bytes=", Expect.whole()});
    cases.add(new Object[] {"items=0-5", Expect.whole()});
    cases.add(new Object[] {"bytes =0-4", Expect.whole()});
    cases.add(new Object[] {"BYTES=0-4", Expect.partial(0, 4)});
    // Whitespace: spaces around numbers, dashes and commas are fine; a tab inside is not.
    cases.add(new Object[] {"bytes= 0-4", Expect.partial(0, 4)});
    cases.add(new Object[] {"bytes=0 - 4", Expect.partial(0, 4)});
    cases.add(new Object[] {"bytes=0-1 , 5-8", Expect.multipart("0-1:ab", "5-8:fghi")});
    cases.add(new Object[] {"bytes=\t0-4", Expect.unsatisfiable()});
    // Overlaps and many ranges: answered in order while they add up to no more than the file.
    cases.add(new Object[] {"bytes=0-0,0-0", Expect.multipart("0-0:a", "0-0:a")});
    cases.add(new Object[] {"bytes=0-5,3-8", Expect.whole()});
    cases.add(new Object[] {"bytes=0-1,2-3,0-10", Expect.whole()});
    cases.add(new Object[] {"bytes=-11", Expect.partial(0, 10)});
    cases.add(new Object[] {"bytes=-12", Expect.partial(0, 10)});
    cases.add(new Object[] {"bytes=0-4,11-", Expect.partial(0, 4)});
    cases.add(new Object[] {"bytes=11-,0-4", Expect.partial(0, 4)});
    cases.add(new Object[] {"bytes=5-3,0-1", Expect.partial(0, 1)});
    cases.add(new Object[] {"bytes=00-04", Expect.partial(0, 4)});
    List<Arguments> out = new ArrayList<>();
    for (Object[] c : cases) {
      for (String method : List.of("GET", "HEAD")) {
        out.add(Arguments.of(method, c[0], c[1]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} Range: {1}")
  @MethodSource("rangeCases")
  void range_onElevenByteFile_answersAsExpected(String method, String range, Expect expect) throws Exception {
    Response r = request(method, "/media/eleven/file", "Range: " + range);
    assertReply(r, method, expect);
  }

  static void assertReply(Response r, String method, Expect expect) {
    assertThat(r.status()).isEqualTo(expect.status());
    assertThat(HttpDates.parse(r.header("Date").orElseThrow()).getAsLong())
        .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));
    assertThat(r.header("Content-Range").orElse(null)).isEqualTo(expect.contentRange());
    boolean head = method.equals("HEAD");
    if (head) {
      assertThat(r.body()).isEmpty();
    }
    long length = Long.parseLong(r.header("Content-Length").orElseThrow());
    if (!head) {
      assertThat(r.body()).hasSize((int) length);
    }
    switch (expect.status()) {
      case 200, 206 -> {
        assertThat(r.header("ETag")).contains(ETAG);
        assertThat(r.header("Last-Modified")).contains(LAST_MODIFIED);
        assertThat(r.header("Accept-Ranges")).contains("bytes");
        assertThat(r.header("Cache-Control")).contains("public, max-age=3600");
        if (expect.parts() == null) {
          assertThat(r.header("Content-Type")).contains("video/mp4");
          assertThat(length).isEqualTo(expect.body().length());
          if (!head) {
            assertThat(r.text()).isEqualTo(expect.body());
          }
        } else {
          assertThat(r.header("Content-Type").orElseThrow()).matches("multipart/byteranges; boundary=[0-9]{20}");
          if (!head) {
            List<String> parts = r.parts().stream().map(p -> {
              assertThat(p.headers()).containsEntry("content-type", "video/mp4");
              String cr = p.headers().get("content-range");
              return cr.substring("bytes ".length(), cr.indexOf('/')) + ":" + p.text();
            }).toList();
            assertThat(parts).isEqualTo(expect.parts());
            assertThat(r.parts()).allSatisfy(p -> assertThat(p.headers().get("content-range")).endsWith("/11"));
          }
        }
      }
      default -> {
        assertThat(r.header("Content-Type")).contains("application/json; charset=utf-8");
        assertThat(r.header("Cache-Control")).contains("no-store");
        if (!head) {
          assertThat(r.text()).startsWith("{\"error\":\"");
        }
      }
    }
  }

  static Stream<Arguments> emptyFileCases() {
    // nginx: a range starting at 0 of an empty file is the (empty) whole file; anything else is 416.
    List<Arguments> out = new ArrayList<>();
    for (String method : List.of("GET", "HEAD")) {
      out.add(Arguments.of(method, null, 200));
      out.add(Arguments.of(method, "bytes=0-", 200));
      out.add(Arguments.of(method, "bytes=0-0", 200));
      out.add(Arguments.of(method, "bytes=-5", 200));
      out.add(Arguments.of(method, "bytes=-0", 200));
      out.add(Arguments.of(method, "bytes=5-", 416));
      out.add(Arguments.of(method, "bytes=1-1", 416));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} Range: {1}")
  @MethodSource("emptyFileCases")
  void range_onEmptyFile_isWholeFileOrUnsatisfiable(String method, String range, int status) throws Exception {
    Response r = range == null ? request(method, "/media/empty/file") : request(method, "/media/empty/file", "Range: " + range);
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.header("Content-Range").orElse(null)).isEqualTo(status == 416 ? "bytes */0" : null);
    if (status == 200) {
      assertThat(r.header("Content-Length")).contains("0");
      assertThat(r.header("ETag")).contains("\"" + Long.toHexString(MTIME.getEpochSecond()) + "-0\"");
      assertThat(r.body()).isEmpty();
    }
  }

  static Stream<Arguments> conditionalCases() {
    String older = "Sat, 31 Oct 2026 12:34:56 GMT";
    String newer = "Mon, 02 Nov 2026 12:34:56 GMT";
    String weak = "W/" + ETAG;
    List<Object[]> cases = new ArrayList<>();
    // If-Range (RFC 9110 section 13.1.5): the range only when the validator is the current one.
    cases.add(new Object[] {List.of("Range: bytes=0-4", "If-Range: " + ETAG), 206});
    cases.add(new Object[] {List.of("Range: bytes=0-4", "If-Range: " + weak), 200});
    cases.add(new Object[] {List.of("Range: bytes=0-4", "If-Range: \"other\""), 200});
    cases.add(new Object[] {List.of("Range: bytes=0-4", "If-Range: " + LAST_MODIFIED), 206});
    cases.add(new Object[] {List.of("Range: bytes=0-4", "If-Range: Sunday, 01-Nov-26 12:34:56 GMT"), 206});
    cases.add(new Object[] {List.of("Range: bytes=0-4", "If-Range: Sun Nov  1 12:34:56 2026"), 206});
    cases.add(new Object[] {List.of("Range: bytes=0-4", "If-Range: " + older), 200});
    cases.add(new Object[] {List.of("Range: bytes=0-4", "If-Range: " + newer), 200});
    cases.add(new Object[] {List.of("Range: bytes=0-4", "If-Range: not a date"), 200});
    cases.add(new Object[] {List.of("Range: bytes=0-1,5-8", "If-Range: " + ETAG), 206});
    cases.add(new Object[] {List.of("Range: bytes=11-", "If-Range: \"other\""), 200});
    cases.add(new Object[] {List.of("If-Range: " + ETAG), 200});
    // If-None-Match (13.1.2): weak comparison, lists, "*".
    cases.add(new Object[] {List.of("If-None-Match: " + ETAG), 304});
    cases.add(new Object[] {List.of("If-None-Match: " + weak), 304});
    cases.add(new Object[] {List.of("If-None-Match: \"x\", " + ETAG), 304});
    cases.add(new Object[] {List.of("If-None-Match: *"), 304});
    cases.add(new Object[] {List.of("If-None-Match: \"x\""), 200});
    cases.add(new Object[] {List.of("If-None-Match: " + ETAG, "Range: bytes=0-4"), 304});
    cases.add(new Object[] {List.of("If-None-Match: \"x\"", "Range: bytes=0-4"), 206});
    // If-Modified-Since (13.1.3): like nginx's default "if_modified_since exact", only the same second is 304.
    cases.add(new Object[] {List.of("If-Modified-Since: " + LAST_MODIFIED), 304});
    cases.add(new Object[] {List.of("If-Modified-Since: " + older), 200});
    cases.add(new Object[] {List.of("If-Modified-Since: " + newer), 200});
    cases.add(new Object[] {List.of("If-Modified-Since: garbage"), 200});
    cases.add(new Object[] {List.of("If-Modified-Since: " + LAST_MODIFIED, "If-None-Match: \"x\""), 200});
    cases.add(new Object[] {List.of("If-Modified-Since: " + older, "If-None-Match: " + ETAG), 200});
    cases.add(new Object[] {List.of("If-Modified-Since: " + LAST_MODIFIED, "If-None-Match: " + ETAG), 304});
    // If-Match (13.1.1): strong comparison.
    cases.add(new Object[] {List.of("If-Match: " + ETAG), 200});
    cases.add(new Object[] {List.of("If-Match: *"), 200});
    cases.add(new Object[] {List.of("If-Match: \"x\", " + ETAG), 200});
    cases.add(new Object[] {List.of("If-Match: " + weak), 412});
    cases.add(new Object[] {List.of("If-Match: \"x\""), 412});
    cases.add(new Object[] {List.of("If-Match: \"x\"", "Range: bytes=0-4"), 412});
    cases.add(new Object[] {List.of("If-Match: " + ETAG, "Range: bytes=0-4"), 206});
    // If-Unmodified-Since (13.1.4).
    cases.add(new Object[] {List.of("If-Unmodified-Since: " + LAST_MODIFIED), 200});
    cases.add(new Object[] {List.of("If-Unmodified-Since: " + newer), 200});
    cases.add(new Object[] {List.of("If-Unmodified-Since: " + older), 412});
    cases.add(new Object[] {List.of("If-Unmodified-Since: garbage"), 412});
    // A conditional header twice: nginx 1.22 rejects the request.
    cases.add(new Object[] {List.of("If-None-Match: \"x\"", "If-None-Match: " + ETAG), 400});
    List<Arguments> out = new ArrayList<>();
    for (Object[] c : cases) {
      for (String method : List.of("GET", "HEAD")) {
        out.add(Arguments.of(method, c[0], c[1]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("conditionalCases")
  void conditionalHeaders_answerAsNginx(String method, List<String> headers, int status) throws Exception {
    Response r = request(method, "/media/eleven/file", headers.toArray(String[]::new));
    assertThat(r.status()).isEqualTo(status);
    switch (status) {
      case 304 -> {
        assertThat(r.header("ETag")).contains(ETAG);
        assertThat(r.header("Last-Modified")).contains(LAST_MODIFIED);
        assertThat(r.header("Cache-Control")).contains("public, max-age=3600");
        assertThat(r.header("Content-Length")).isEmpty();
        assertThat(r.header("Content-Type")).isEmpty();
        assertThat(r.body()).isEmpty();
      }
      case 200 -> {
        assertThat(r.header("Content-Length")).contains("11");
        assertThat(r.text()).isEqualTo(method.equals("GET") ? CONTENT : "");
      }
      case 206 -> assertThat(r.header("Content-Range").orElse(r.header("Content-Type").orElseThrow())).isNotBlank();
      default -> {
        assertThat(r.header("Content-Type")).contains("application/json; charset=utf-8");
        assertThat(r.header("ETag")).isEmpty();
      }
    }
  }

  @Test
  void head_withoutRange_hasEveryHeaderOfGetAndNoBody() throws Exception {
    Response get = request("GET", "/media/eleven/file");
    Response head = request("HEAD", "/media/eleven/file");
    assertThat(get.status()).isEqualTo(200);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    for (String name : List.of("Content-Type", "Content-Length", "ETag", "Last-Modified", "Accept-Ranges", "Cache-Control")) {
      assertThat(head.header(name)).as(name).isPresent().isEqualTo(get.header(name));
    }
    assertThat(get.header("Content-Disposition")).isEmpty();
  }

  @Test
  void download_withAsciiName_isAttachmentWithFileName() throws Exception {
    Response r = request("GET", "/media/eleven/file?download=1");
    assertThat(r.header("Content-Disposition")).contains("attachment; filename=\"eleven.mp4\"");
    assertThat(r.text()).isEqualTo(CONTENT);
  }

  @Test
  void download_withNonAsciiName_addsRfc8187FileNameStar() throws Exception {
    Response r = request("GET", "/media/named/file?download=1", "Range: bytes=0-1");
    assertThat(r.status()).isEqualTo(206);
    assertThat(r.header("Content-Type")).contains("video/x-matroska");
    String value = new String(r.header("Content-Disposition").orElseThrow().getBytes(StandardCharsets.ISO_8859_1),
        StandardCharsets.ISO_8859_1);
    assertThat(value).isEqualTo("attachment; filename=\"_n_c_d_ film _cut_.mkv\"; "
        + "filename*=UTF-8''%C3%9Cn%C3%AFc%C3%B8d%C3%A9%20film%20%22cut%22.mkv");
  }

  @Test
  void unknownId_isJson404() throws Exception {
    Response r = request("GET", "/media/nope/file");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("Content-Type")).contains("application/json; charset=utf-8");
    assertThat(r.text()).isEqualTo("{\"error\":\"no such media file\"}");
  }

  @Test
  void idThatCouldNameAPath_is404WithoutLookup() throws Exception {
    for (String id : List.of("..", "%2e%2e", "a%2Fb", "a%5Cb", "a%00b", "eleven.mp4", "x".repeat(129))) {
      Response r = request("GET", "/media/" + id + "/file");
      assertThat(r.status()).as(id).isEqualTo(404);
      assertThat(r.text()).as(id).doesNotContain(CONTENT).doesNotContain(dir.toString());
    }
    assertThat(MediaFileHandler.validId("eleven")).isTrue();
    assertThat(MediaFileHandler.validId("../x")).isFalse();
  }

  @Test
  void otherMethods_areNotServed() throws Exception {
    Response r = request("POST", "/media/eleven/file");
    assertThat(r.status()).isIn(404, 405);
    assertThat(r.text()).doesNotContain(CONTENT);
  }

  @Test
  void multipart_bodyHasNginxLayout() throws Exception {
    Response r = request("GET", "/media/eleven/file", "Range: bytes=0-0,-2");
    String boundary = r.boundary().orElseThrow();
    assertThat(r.text()).isEqualTo("\r\n--" + boundary + "\r\nContent-Type: video/mp4\r\nContent-Range: bytes 0-0/11\r\n\r\na"
        + "\r\n--" + boundary + "\r\nContent-Type: video/mp4\r\nContent-Range: bytes 9-10/11\r\n\r\njk"
        + "\r\n--" + boundary + "--\r\n");
    assertThat(r.parts()).extracting(Part::text).containsExactly("a", "jk");
  }

  static Response request(String method, String path, String... headers) throws Exception {
    return RawHttp.request(server.port(), method, path, Arrays.asList(headers), TIMEOUT);
  }
}
