package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kanal.server.JsonInput.BadInput;
import dev.kanal.store.PlaybackSession;
import dev.kanal.store.ProgressEntry;
import dev.kanal.store.QoeEvent;
import dev.kanal.testing.SeededMutator;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the readers of the API's JSON bodies, the same methods the routes call before touching the
 * store: {@code PUT /api/progress/{id}} ({@link PlaybackRoutes#progressInput}), {@code POST
 * /api/sessions} ({@link PlaybackRoutes#sessionInput}), heartbeats ({@link PlaybackRoutes#heartbeatInput}),
 * QoE batches ({@link PlaybackRoutes#qoeInput}), {@code POST /api/sources} ({@link SourceRoutes#sourceInput})
 * and the video id of {@code POST /api/videos/{id}/package} (which has no body:
 * {@link MediaFileHandler#validId}). The first byte of an input picks the reader, the rest is the body.
 *
 * <p>Properties: only {@link BadInput} escapes (anything else would be a 500); its sentence is short
 * and names a field of the request ({@code events[3].type}); what is accepted is within the documented
 * limits (ids match their patterns, positions within the duration, at most 500 events of at most 500
 * characters of detail, client times never in the future, priorities in -1000..1000).
 *
 * <p>{@link #body(byte[])} replays {@code JsonBodyFuzzTestInputs/body/} in every build and fuzzes under
 * {@code JAZZER_FUZZ=1}; {@link #mutatedSeeds_keepTheBodyContract()} runs the shared seeded mutator
 * for 3 s in every build. Long run (see PlaylistFuzzTest on the timeout):
 *
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=5m mvn test -Dkanal.buildDir=$PWD/target-fuzz -Dtest='JsonBodyFuzzTest#body' \
 *     -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 */
class JsonBodyFuzzTest {

  static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private static final Duration RETENTION = Duration.ofDays(30);
  private static final Pattern FIELD = Pattern.compile(
      "|videoId|channelId|deviceId|duration|position|updatedAt|at|bitrate|id|url|priority|allowPrivate"
          + "|events|(events)?\\[\\d{1,3}\\](\\.(sessionId|type|at|position|bitrate|bandwidthEstimate|detail))?");
  private static final String[] READERS = {"progress", "session", "heartbeat", "qoe", "source", "package"};

  /** Reads the body with the reader the first byte picks and checks the outcome. */
  static void check(byte[] data) {
    if (data.length == 0) {
      return;
    }
    String reader = READERS[Math.floorMod(data[0], READERS.length)];
    Buffer body = Buffer.buffer(Arrays.copyOfRange(data, 1, data.length));
    try {
      switch (reader) {
        case "progress" -> progress(PlaybackRoutes.progressInput("v1", body, NOW));
        case "session" -> session(PlaybackRoutes.sessionInput(body, NOW));
        case "heartbeat" -> heartbeat(PlaybackRoutes.heartbeatInput("s1", body));
        case "qoe" -> qoe(PlaybackRoutes.qoeInput(body, NOW, RETENTION));
        case "source" -> source(SourceRoutes.sourceInput(body));
        default -> {
          String id = body.toString(StandardCharsets.UTF_8);
          assertThat(MediaFileHandler.validId(id)).isEqualTo(PlaybackRoutes.VIDEO_ID.matcher(id).matches());
        }
      }
    } catch (BadInput e) {
      assertThat(e.field).as("the field of %s", e.sentence()).matches(FIELD);
      assertThat(e.sentence()).isNotBlank().hasSizeLessThan(600);
    }
  }

  private static void progress(ProgressEntry e) {
    assertThat(e.videoId()).isEqualTo("v1");
    assertThat(e.deviceId()).matches(PlaybackRoutes.DEVICE_ID);
    assertThat(e.duration()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds((long) PlaybackRoutes.MAX_SECONDS));
    assertThat(e.position().isNegative()).isFalse();
    assertThat(e.position()).isLessThanOrEqualTo(e.duration());
    assertThat(e.updatedAt()).isBeforeOrEqualTo(NOW);
    assertThat(e.receivedAt()).isEqualTo(NOW);
  }

  private static void session(PlaybackRoutes.SessionInput s) {
    assertThat(s.target()).matches(s.kind() == PlaybackSession.Kind.VIDEO ? PlaybackRoutes.VIDEO_ID
        : PlaybackRoutes.CHANNEL_ID);
    assertThat(s.deviceId()).matches(PlaybackRoutes.DEVICE_ID);
    assertThat(s.at()).isBeforeOrEqualTo(NOW);
  }

  private static void heartbeat(PlaybackSession.Heartbeat h) {
    h.position().ifPresent(p -> assertThat(p).isGreaterThanOrEqualTo(Duration.ZERO)
        .isLessThanOrEqualTo(Duration.ofSeconds((long) PlaybackRoutes.MAX_SECONDS)));
    h.bitrate().ifPresent(b -> assertThat(b).isBetween(0L, PlaybackRoutes.MAX_BITRATE));
  }

  private static void qoe(PlaybackRoutes.QoeBatch batch) {
    assertThat(batch.events()).isNotEmpty().hasSizeLessThanOrEqualTo(PlaybackRoutes.MAX_EVENTS);
    for (QoeEvent e : batch.events()) {
      assertThat(e.sessionId()).matches(PlaybackRoutes.SESSION_ID);
      assertThat(e.at()).isBetween(NOW.minus(RETENTION), NOW.plus(PlaybackRoutes.MAX_CLOCK_AHEAD));
      assertThat(e.detail()).hasSizeLessThanOrEqualTo(PlaybackRoutes.MAX_DETAIL);
      e.bitrate().ifPresent(b -> assertThat(b).isBetween(0L, PlaybackRoutes.MAX_BITRATE));
      e.bandwidthEstimate().ifPresent(b -> assertThat(b).isBetween(0L, PlaybackRoutes.MAX_BITRATE));
      e.position().ifPresent(p -> assertThat(p).isGreaterThanOrEqualTo(Duration.ZERO));
    }
    assertThat(batch.fieldOfSession().keySet())
        .isEqualTo(batch.events().stream().map(QoeEvent::sessionId).collect(Collectors.toSet()));
  }

  private static void source(SourceRoutes.SourceInput s) {
    assertThat(s.url()).isNotEmpty();
    assertThat(s.url().codePointCount(0, s.url().length())).isLessThanOrEqualTo(8192);
    assertThat(s.priority()).isBetween(-1000, 1000);
  }

  @FuzzTest(maxDuration = "5m")
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void body(byte[] data) {
    check(data);
  }

  /** The seed bodies, each prefixed with the byte of its reader. */
  static List<byte[]> seeds() {
    long at = NOW.toEpochMilli() - 1000;
    String[][] bodies = {
        {"progress", "{\"position\": 12.5, \"duration\": 3600, \"deviceId\": \"tv-1\", \"updatedAt\": " + at + "}"},
        {"progress", "{\"position\": 3601, \"duration\": 3600, \"deviceId\": \"a:b\"}"},
        {"progress", "{\"position\": 1e400, \"duration\": -0.0, \"deviceId\": 7}"},
        {"session", "{\"videoId\": \"abc_DEF-1\", \"deviceId\": \"phone\", \"at\": " + at + "}"},
        {"session", "{\"channelId\": \"bbc.one~uk\", \"deviceId\": \"tv\"}"},
        {"session", "{\"videoId\": \"a\", \"channelId\": \"b\", \"deviceId\": \"tv\"}"},
        {"heartbeat", ""},
        {"heartbeat", "{\"position\": 42.1, \"bitrate\": 2500000}"},
        {"heartbeat", "{\"bitrate\": 2.5, \"position\": \"x\"}"},
        {"qoe", "{\"events\": [{\"sessionId\": \"s1\", \"type\": \"startup\", \"at\": " + at + "}, {\"sessionId\": \"s2\","
            + " \"type\": \"stall_start\", \"at\": " + at + ", \"position\": 10, \"bitrate\": 800000,"
            + " \"bandwidthEstimate\": 5000000, \"detail\": \"networkError/fragLoadError\"}]}"},
        {"qoe", "[{\"sessionId\": \"s1\", \"type\": \"level_switch\", \"at\": " + at + ".0}]"},
        {"qoe", "{\"events\": []}"},
        {"qoe", "[1, null, {}]"},
        {"source", "{\"url\": \"https://iptv-org.github.io/iptv/index.m3u\", \"priority\": 5, \"allowPrivate\": true}"},
        {"source", "{\"url\": \"iptv-org:countries/fr\"}"},
        {"source", "{\"url\": \"\", \"priority\": 1e3, \"allowPrivate\": \"yes\"}"},
        {"package", "abc_DEF-123"},
        {"package", "../etc/passwd"},
    };
    List<byte[]> seeds = new ArrayList<>();
    for (String[] b : bodies) {
      byte[] text = b[1].getBytes(StandardCharsets.UTF_8);
      byte[] input = new byte[text.length + 1];
      input[0] = (byte) List.of(READERS).indexOf(b[0]);
      System.arraycopy(text, 0, input, 1, text.length);
      seeds.add(input);
    }
    return seeds;
  }

  private static final List<String> TOKENS = List.of("{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800",
      "null", "true", "false", "-", "0", "-0", "1e308", "1e-400", "9223372036854775807", "9223372036854775808",
      "123456789012345678901234567890", "0.0010", "NaN", "Infinity", "\"position\":", "\"duration\":",
      "\"deviceId\":", "\"videoId\":", "\"channelId\":", "\"sessionId\":", "\"type\":", "\"at\":", "\"events\":",
      "\"detail\":", "\"url\":", "\"priority\":", "\"allowPrivate\":", "\"bitrate\":", "\"bandwidthEstimate\":",
      "\"updatedAt\":", "\"ended\"", "\"seek\"", "/*", "*/", "//", "'", "é", "\uFEFF", "[[[[[[[[[[", "{\"a\":{\"a\":");

  @Test
  void mutatedSeeds_keepTheBodyContract() throws Exception {
    SeededMutator.Run run = SeededMutator.of("JsonBodyFuzzTest#body", seeds(), TOKENS, 64 * 1024, 5_000)
        .run(3, 20_261_121L, JsonBodyFuzzTest::check);
    assertThat(run.inputs()).isGreaterThan(run.seeds());
  }

  /** The readers were taken out of the route handlers for fuzzing: they answer as the handlers did. */
  @Test
  void sourceInput_readsUrlPriorityAndAllowPrivate_andNamesAWrongField() throws Exception {
    assertThat(SourceRoutes.sourceInput(Buffer.buffer("{\"url\": \"iptv-org:countries/fr\", \"priority\": 5}")))
        .isEqualTo(new SourceRoutes.SourceInput("iptv-org:countries/fr", 5, false));
    assertThat(SourceRoutes.sourceInput(Buffer.buffer("{\"url\": \"http://x/a.m3u\", \"allowPrivate\": true}")))
        .isEqualTo(new SourceRoutes.SourceInput("http://x/a.m3u", 0, true));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SourceRoutes.sourceInput(
            Buffer.buffer("{\"url\": \"http://x/a.m3u\", \"allowPrivate\": \"yes\"}")))
        .isInstanceOf(BadInput.class)
        .satisfies(e -> assertThat(((BadInput) e).sentence()).isEqualTo("'allowPrivate' must be true or false"));
  }

  @Test
  void deeplyNestedBody_isBadInputNotAStackOverflow() {
    byte[] deep = ("\u0003" + "[".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
    check(deep);
  }
}
