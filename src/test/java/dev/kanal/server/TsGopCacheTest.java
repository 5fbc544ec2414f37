package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.HlsMedia;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Joining a running TS stream: a viewer that starts with {@link TsGopCache#start()} decodes without
 * a single ffmpeg error, while one that starts at the same place without it (the control) gets
 * "non-existing PPS" errors. The stream is what the relay sends: ffmpeg's MPEG-TS muxer output,
 * H.264 with a key frame every second, AAC, cut into the relay's chunk size.
 */
class TsGopCacheTest {

  static final int CHUNK = 188 * 50;
  @TempDir static Path dir;
  static byte[] stream;

  @BeforeAll
  static void make() throws Exception {
    Path ts = dir.resolve("continuous.ts");
    HlsMedia.run(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050",
        "-t", "10", "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1", "-g", "10", "-keyint_min", "10",
        "-sc_threshold", "0", "-c:a", "aac", "-b:a", "24k", "-f", "mpegts", ts.toString()));
    stream = Files.readAllBytes(ts);
  }

  /** Feeds chunks up to {@code upTo} (exclusive) and returns the cache. */
  static TsGopCache fed(long maxBytes, int upTo) {
    TsGopCache cache = new TsGopCache(maxBytes);
    for (int off = 0; off < upTo; off += CHUNK) {
      byte[] chunk = Arrays.copyOfRange(stream, off, Math.min(upTo, off + CHUNK));
      cache.accept(chunk, Buffer.buffer(chunk));
    }
    return cache;
  }

  static String decodeErrors(byte[] ts, String name) throws Exception {
    Path file = Files.write(dir.resolve(name), ts);
    Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", file.toString(), "-f", "null", "-")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  /** A chunk boundary about 45 % into the stream: mid-GOP, several key frames in. */
  static int joinPoint() {
    return (stream.length * 45 / 100) / CHUNK * CHUNK;
  }

  @Test
  void start_beginsWithPatPmtAndAKeyFrame_andDecodesWithoutErrors_whereAPlainCutDoesNot() throws Exception {
    int join = joinPoint();
    TsGopCache cache = fed(8 << 20, join);
    List<Buffer> start = cache.start();
    assertThat(start).hasSizeGreaterThan(2);

    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    start.forEach(b -> joined.writeBytes(b.getBytes()));
    byte[] head = joined.toByteArray();
    assertThat(pid(head, 0)).as("PAT first").isZero();
    assertThat(pid(head, 1)).as("then the PMT").isNotZero().isNotEqualTo(cache.videoPid());
    assertThat(pid(head, 2)).as("then the video key frame").isEqualTo(cache.videoPid());
    assertThat(head[2 * 188 + 5] & 0x40).as("random_access_indicator").isNotZero();
    assertThat(head.length % 188).isZero();
    joined.write(stream, join, stream.length - join);

    assertThat(decodeErrors(joined.toByteArray(), "joined.ts")).isEmpty();
    assertThat(decodeErrors(Arrays.copyOfRange(stream, join, stream.length), "cut.ts"))
        .as("the control: joining without the cache").contains("non-existing PPS");
  }

  @Test
  void start_isEmptyBeforeTheFirstKeyFrame_andWhenTheGopIsLargerThanTheBound() {
    assertThat(fed(8 << 20, 0).start()).isEmpty();
    assertThat(fed(188 * 20, joinPoint()).start()).as("a GOP larger than 20 packets is not kept").isEmpty();
  }

  @Test
  void accept_garbage_forgetsTheCacheUntilTheNextKeyFrame() {
    TsGopCache cache = fed(8 << 20, joinPoint());
    byte[] garbage = new byte[188 * 2];
    cache.accept(garbage, Buffer.buffer(garbage));
    assertThat(cache.start()).isEmpty();
  }

  static int pid(byte[] ts, int packet) {
    int o = packet * 188;
    assertThat(ts[o]).isEqualTo((byte) 0x47);
    return ((ts[o + 1] & 0x1f) << 8) | (ts[o + 2] & 0xff);
  }
}
