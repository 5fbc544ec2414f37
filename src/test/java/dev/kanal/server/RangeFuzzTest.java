package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kanal.server.RangeHeader.ByteRange;
import dev.kanal.testing.SeededMutator;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes byte serving's request side: {@link RangeHeader#parse} and the whole reply decision
 * {@link FileReply#plan} (conditionals, {@code If-Range}, ranges, multipart, the download name),
 * for any header values and any file size. An input is text: the first line is the file size (a
 * decimal number; anything else picks a size from the line), each further line a request header
 * {@code Name: value}; {@code X-File-Name} and {@code X-Download} set the file's name and whether it is
 * a download. Properties: nothing but a reply comes out; the status is one of 200, 206, 304, 400,
 * 412, 416; every range lies inside the file, at most {@link RangeHeader#MAX_RANGES} of them, adding
 * up to no more than the file; {@code Content-Length} is exactly the bytes the body will send;
 * {@code Content-Range} names the range sent; no header value holds a CR, LF or NUL; and a plain
 * {@code bytes=A-B} is answered as RFC 9110 says.
 *
 * <p>{@link #plan(byte[])} replays {@code RangeFuzzTestInputs/plan/} in every build and fuzzes with
 * coverage guidance under {@code JAZZER_FUZZ=1}; {@link #mutatedSeeds_keepTheReplyContract()} runs
 * the shared seeded mutator for 3 s in every build. Long run (see PlaylistFuzzTest on the timeout):
 *
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=5m mvn test -Dkanal.buildDir=$PWD/target-fuzz -Dtest='RangeFuzzTest#plan' \
 *     -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 */
class RangeFuzzTest {

  private static final long MTIME = 1_763_726_400L;
  private static final Pattern SIMPLE = Pattern.compile("bytes=(\\d{1,15})-(\\d{1,15})");
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
  private static final List<Integer> STATUSES = List.of(200, 206, 304, 400, 412, 416);

  /** A parsed fuzz input: file size, request headers, name and download flag. */
  record Request(long size, MultiMap headers, String fileName, boolean download) {}

  static Request request(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    long size;
    try {
      size = Long.parseLong(lines[0].strip());
      if (size < 0) {
        size = -(size + 1);
      }
    } catch (NumberFormatException e) {
      size = lines[0].length() * 37L;
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    String fileName = "video.mp4";
    boolean download = false;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).strip();
      // An HTTP server hands over values without surrounding whitespace (RFC 9110 section 5.5).
      String value = line.substring(colon + 1).strip();
      if (name.equalsIgnoreCase("X-File-Name")) {
        fileName = value;
      } else if (name.equalsIgnoreCase("X-Download")) {
        download = true;
      } else if (!name.isEmpty()) {
        headers.add(name, value);
      }
    }
    return new Request(size, headers, fileName, download);
  }

  /** Runs one input through the parser and the reply decision and checks both. */
  static void check(byte[] data) {
    Request req = request(data);
    String range = req.headers().get("Range");
    checkRanges(range, req.size());
    FileReply.FileFacts file = new FileReply.FileFacts(req.size(), MTIME, "video/mp4", req.fileName());
    FileReply reply = FileReply.plan(req.headers(), file, req.download(), "00000000000000000001");
    assertThat(STATUSES).contains(reply.status());
    Map<String, String> h = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, String> e : reply.headers()) {
      assertThat(e.getValue()).as("header %s", e.getKey()).doesNotContain("\r", "\n", "\0");
      h.put(e.getKey(), e.getValue());
    }
    long bodyBytes = switch (reply.body()) {
      case FileReply.NoBody n -> 0;
      case FileReply.Message m -> m.json().length;
      case FileReply.FileRange r -> {
        inside(r.range(), req.size());
        yield r.range().length();
      }
      case FileReply.Multipart m -> {
        assertThat(m.parts()).hasSizeBetween(2, RangeHeader.MAX_RANGES);
        long sum = m.closing().length;
        long total = 0;
        for (FileReply.Part p : m.parts()) {
          inside(p.range(), req.size());
          assertThat(new String(p.header(), StandardCharsets.ISO_8859_1))
              .contains("Content-Range: " + p.range().contentRange(req.size()));
          sum += p.header().length + p.range().length();
          total += p.range().length();
        }
        assertThat(total).isLessThanOrEqualTo(req.size());
        yield sum;
      }
    };
    switch (reply.status()) {
      case 304 -> assertThat(reply.body()).isInstanceOf(FileReply.NoBody.class);
      case 200 -> assertThat(((FileReply.FileRange) reply.body()).range()).isEqualTo(new ByteRange(0, req.size()));
      case 206 -> {
        if (reply.body() instanceof FileReply.FileRange r) {
          assertThat(h.get("Content-Range")).isEqualTo(r.range().contentRange(req.size()));
        } else {
          assertThat(h.get("Content-Type")).isEqualTo("multipart/byteranges; boundary=00000000000000000001");
        }
      }
      case 416 -> assertThat(h.get("Content-Range")).isEqualTo("bytes */" + req.size());
      default -> assertThat(reply.body()).isInstanceOf(FileReply.Message.class);
    }
    if (reply.status() != 304) {
      assertThat(h.get("Content-Length")).isEqualTo(Long.toString(bodyBytes));
    }
    if (reply.status() == 200 || reply.status() == 206) {
      assertThat(h.get("Content-Disposition") != null).isEqualTo(req.download());
    }
    simpleRangeOracle(req, reply);
  }

  /** The parser alone, at the default limit and a small one: inside the file, within limits. */
  private static void checkRanges(String value, long size) {
    for (int max : new int[] {RangeHeader.MAX_RANGES, 1}) {
      RangeHeader.Result result = RangeHeader.parse(value, size, max);
      if (value == null || value.length() < 7 || !value.regionMatches(true, 0, "bytes=", 0, 6)) {
        assertThat(result).isInstanceOf(RangeHeader.Whole.class);
      }
      if (result instanceof RangeHeader.Partial p) {
        assertThat(p.ranges()).isNotEmpty().hasSizeLessThanOrEqualTo(max);
        long total = 0;
        for (ByteRange r : p.ranges()) {
          inside(r, size);
          total += r.length();
        }
        assertThat(total).isLessThanOrEqualTo(size);
      }
    }
  }

  /** One well-formed range without conditionals: RFC 9110 section 14.1.2, clamped to the file. */
  private static void simpleRangeOracle(Request req, FileReply reply) {
    String range = req.headers().get("Range");
    if (range == null || req.headers().size() != 1) {
      return;
    }
    Matcher m = SIMPLE.matcher(range);
    if (!m.matches()) {
      return;
    }
    long first = Long.parseLong(m.group(1));
    long last = Long.parseLong(m.group(2));
    if (last < first) {
      assertThat(reply.status()).as("a reversed range is malformed: %s", range).isIn(200, 416);
    } else if (first >= req.size()) {
      assertThat(reply.status()).as("%s of %d bytes", range, req.size()).isIn(200, 416);
    } else {
      assertThat(reply.status()).as("%s of %d bytes", range, req.size()).isEqualTo(206);
      long end = Math.min(last, req.size() - 1);
      String contentRange = reply.headers().stream().filter(e -> e.getKey().equals("Content-Range"))
          .map(Map.Entry::getValue).findFirst().orElseThrow();
      Matcher cr = CONTENT_RANGE.matcher(contentRange);
      assertThat(cr.matches()).isTrue();
      assertThat(List.of(Long.parseLong(cr.group(1)), Long.parseLong(cr.group(2)), Long.parseLong(cr.group(3))))
          .containsExactly(first, end, req.size());
    }
  }

  private static void inside(ByteRange r, long size) {
    assertThat(r.start()).isNotNegative();
    assertThat(r.end()).isLessThanOrEqualTo(size);
    if (size > 0) {
      assertThat(r.start()).isLessThan(r.end());
    }
  }

  @FuzzTest(maxDuration = "5m")
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void plan(byte[] data) {
    check(data);
  }

  private static final List<String> TOKENS = List.of("bytes=", "Bytes=", "-", ",", " ", "\t", "0", "1", "9",
      "9223372036854775807", "9223372036854775808", "18446744073709551616", "\nRange: ", "\nIf-Range: ",
      "\nIf-Match: ", "\nIf-None-Match: ", "\nIf-Modified-Since: ", "\nIf-Unmodified-Since: ", "\"", "W/", "*",
      "\"692066c0-3e8\"", "Fri, 21 Nov 2025 12:00:00 GMT", "Friday, 21-Nov-25 12:00:00 GMT", "Fri Nov 21 12:00:00 2025",
      "\nX-Download: 1", "\nX-File-Name: ", "\r", "\0", "é", "\"; filename*=", "%0d%0a");

  private static List<byte[]> seeds() {
    List<String> s = new ArrayList<>(List.of(
        "1000\nRange: bytes=0-99",
        "1000\nRange: bytes=-100",
        "1000\nRange: bytes=500-",
        "1000\nRange: bytes=0-0,10-19, 900-,-5",
        "1000\nRange: bytes=0-599,400-999",
        "0\nRange: bytes=0-",
        "20000000000\nRange: bytes=4294967295-4294967296",
        "1000\nRange: bytes=0-99\nIf-Range: \"692066c0-3e8\"",
        "1000\nRange: bytes=0-99\nIf-Range: Fri, 21 Nov 2025 12:00:00 GMT",
        "1000\nIf-None-Match: \"692066c0-3e8\"\nIf-Modified-Since: Fri, 21 Nov 2025 12:00:00 GMT",
        "1000\nIf-Match: \"x\", W/\"692066c0-3e8\"",
        "1000\nIf-Unmodified-Since: Fri, 21 Nov 2025 11:59:59 GMT",
        "1000\nIf-Match: *\nIf-Match: *",
        "1000\nX-Download: 1\nX-File-Name: Ein Film \"neu\"; é.mp4\nRange: bytes=1-2"));
    return s.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
  }

  @Test
  void mutatedSeeds_keepTheReplyContract() throws Exception {
    SeededMutator.Run run = SeededMutator.of("RangeFuzzTest#plan", seeds(), TOKENS, 4096, 5_000)
        .run(3, 20_261_121L, RangeFuzzTest::check);
    assertThat(run.inputs()).isGreaterThan(run.seeds());
  }
}
