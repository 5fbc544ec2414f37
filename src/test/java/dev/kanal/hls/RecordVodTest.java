package dev.kanal.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kanal.testing.HlsMedia;
import dev.kanal.testing.HlsTestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VOD recordings to TS against ffmpeg-made HLS on a loopback server: bytes, AES-128, byte ranges, fMP4. */
class RecordVodTest {

  @TempDir
  static Path media;

  @TempDir
  Path out;

  static HlsTestServer server;
  static byte[] key = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

  @BeforeAll
  static void generate() throws Exception {
    server = HlsTestServer.start(media);
    Path long300 = HlsMedia.source(media.resolve("long.mp4"), 300, "testsrc2", 10, 1, 440);
    HlsMedia.hls(long300, media.resolve("vod300"), 1, List.of());
    Path src = HlsMedia.source(media.resolve("short.mp4"), 12, "testsrc2", 10, 1, 440);
    HlsMedia.hls(src, media.resolve("clear"), 1, List.of());
    Files.write(media.resolve("key.bin"), key);
    Path keyInfo = media.resolve("keyinfo");
    Files.writeString(keyInfo, server.uri("/key.bin") + "\n" + media.resolve("key.bin") + "\n"
        + "0f0e0d0c0b0a09080706050403020100\n");
    HlsMedia.hls(src, media.resolve("aes-iv"), 1, List.of("-hls_key_info_file", keyInfo.toString()));
    // Without an IV attribute the IV is the media sequence number: encrypt the clear segments with
    // openssl, numbering from 7, and write the playlist by hand.
    Path noIv = Files.createDirectories(media.resolve("aes-seq"));
    List<String> uris = HlsMedia.segmentUris(media.resolve("clear/index.m3u8"));
    StringBuilder pl = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:7\n"
        + "#EXT-X-KEY:METHOD=AES-128,URI=\"../key.bin\"\n");
    for (int i = 0; i < uris.size(); i++) {
      String iv = String.format("%032x", 7 + i);
      HlsMedia.run(List.of("openssl", "aes-128-cbc", "-e", "-K", HexFormat.of().formatHex(key), "-iv", iv,
          "-in", media.resolve("clear").resolve(uris.get(i)).toString(), "-out", noIv.resolve(uris.get(i)).toString()));
      pl.append("#EXTINF:1.0,\n").append(uris.get(i)).append('\n');
    }
    pl.append("#EXT-X-ENDLIST\n");
    Files.writeString(noIv.resolve("index.m3u8"), pl);
    HlsMedia.hls(src, media.resolve("single"), 1, List.of("-hls_flags", "single_file"));
    HlsMedia.hls(src, media.resolve("fmp4"), 1, List.of("-hls_segment_type", "fmp4",
        "-hls_fmp4_init_filename", "init.mp4"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static RecordOptions.Builder fast() {
    return RecordOptions.builder().backoff(Duration.ofMillis(20)).requestTimeout(Duration.ofSeconds(10));
  }

  static byte[] clearBytes(String dir) throws Exception {
    Path playlist = media.resolve(dir).resolve("index.m3u8");
    return HlsMedia.concat(HlsMedia.segmentUris(playlist).stream().map(u -> media.resolve(dir).resolve(u)).toList());
  }

  @Test
  void downloadsAtOnce_growBeyondTheStartWhileLatencyBound_andStayFixedWhenChosen() throws Exception {
    server.latency(Duration.ofMillis(40));
    try {
      server.resetMostInFlight();
      Path adaptive = out.resolve("adaptive.ts");
      HlsRecorder.create(fast().build()).record(server.uri("/vod300/index.m3u8"), RecordTarget.ts(adaptive), e -> {});
      int grown = server.mostInFlight();
      server.resetMostInFlight();
      Path fixed = out.resolve("fixed.ts");
      HlsRecorder.create(fast().threads(16).build()).record(server.uri("/vod300/index.m3u8"), RecordTarget.ts(fixed),
          e -> {});
      int chosen = server.mostInFlight();

      // Default: 16 at first, growing (doubling per round) to at most 32 while each round is as fast as the fastest.
      assertThat(grown).isGreaterThan(16).isLessThanOrEqualTo(32);
      assertThat(chosen).isLessThanOrEqualTo(16).isGreaterThan(8);
      assertThat(Files.readAllBytes(adaptive)).isEqualTo(clearBytes("vod300"));
      assertThat(Files.readAllBytes(fixed)).isEqualTo(clearBytes("vod300"));
    } finally {
      server.latency(Duration.ZERO);
    }
  }

  @Test
  void record_vod300_isByteIdenticalToTheConcatenatedSegments() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Path file = out.resolve("vod.ts");
    List<RecordEvent> events = new ArrayList<>();
    RecordSummary s = HlsRecorder.create(fast().build(), registry)
        .record(server.uri("/vod300/index.m3u8"), RecordTarget.ts(file), e -> {
          synchronized (events) {
            events.add(e);
          }
        });
    assertThat(HlsMedia.segmentUris(media.resolve("vod300/index.m3u8"))).hasSize(300);
    assertThat(s.segments()).isEqualTo(300);
    assertThat(s.gaps()).isEmpty();
    assertThat(s.live()).isFalse();
    assertThat(s.recordedSeconds()).isEqualByComparingTo(HlsMedia.extinfSum(media.resolve("vod300/index.m3u8")));
    assertThat(Files.readAllBytes(file)).isEqualTo(clearBytes("vod300"));
    assertThat(registry.get("kanal.segment.downloads").tag("outcome", "ok").tag("host", "127.0.0.1").counter().count())
        .isEqualTo(300);
    assertThat(registry.get("kanal.segment.download").timer().count()).isEqualTo(300);
    assertThat(events.getFirst()).isInstanceOf(RecordEvent.Started.class);
    assertThat(((RecordEvent.Started) events.getFirst()).totalSegments()).hasValue(300);
    assertThat(events.getLast()).isInstanceOf(RecordEvent.Finished.class);
  }

  @Test
  void record_aes128WithExplicitIv_equalsTheClearStream() throws Exception {
    assertThat(Files.readString(media.resolve("aes-iv/index.m3u8"))).contains("METHOD=AES-128").contains("IV=0x0f0e");
    Path file = out.resolve("aes.ts");
    HlsRecorder.create(fast().build(), new SimpleMeterRegistry())
        .record(server.uri("/aes-iv/index.m3u8"), RecordTarget.ts(file), RecordListener.NONE);
    assertThat(Files.readAllBytes(file)).isEqualTo(clearBytes("clear"));
    assertThat(server.count("/key.bin")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void record_aes128WithoutIv_usesTheMediaSequenceNumber_andEqualsTheClearStream() throws Exception {
    Path file = out.resolve("aes-seq.ts");
    long keyRequestsBefore = server.count("/key.bin");
    HlsRecorder.create(fast().build(), new SimpleMeterRegistry())
        .record(server.uri("/aes-seq/index.m3u8"), RecordTarget.ts(file), RecordListener.NONE);
    assertThat(Files.readAllBytes(file)).isEqualTo(clearBytes("clear"));
    assertThat(server.count("/key.bin") - keyRequestsBefore).as("key fetched once per URI").isEqualTo(1);
  }

  @Test
  void record_keyAnswers403_failsWithAClearMessage() throws Exception {
    String playlist = Files.readString(media.resolve("aes-seq/index.m3u8")).replace("../key.bin", "../denied.key")
        .replace("s0", "../aes-seq/s0");
    server.route("/denied/index.m3u8", () -> new HlsTestServer.Body(playlist.getBytes(StandardCharsets.UTF_8), "x"));
    server.status("/denied\\.key", 403, -1);
    assertThatThrownBy(() -> HlsRecorder.create(fast().build(), new SimpleMeterRegistry())
        .record(server.uri("/denied/index.m3u8"), RecordTarget.ts(out.resolve("d.ts")), RecordListener.NONE))
        .isInstanceOf(HlsException.class)
        .hasMessageContaining("refused the decryption key (HTTP 403)")
        .hasMessageContaining("/denied.key");
    assertThat(server.count("/denied.key")).as("403 is not retried").isEqualTo(1);
  }

  @Test
  void record_sampleAes_isUnsupportedNamingTheMethod() {
    String playlist = """
        #EXTM3U
        #EXT-X-TARGETDURATION:2
        #EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://drm",KEYFORMAT="com.apple.streamingkeydelivery"
        #EXTINF:1.0,
        ../clear/s000.ts
        #EXT-X-ENDLIST
        """;
    server.route("/sample/index.m3u8", () -> new HlsTestServer.Body(playlist.getBytes(StandardCharsets.UTF_8), "x"));
    assertThatThrownBy(() -> HlsRecorder.create(fast().build(), new SimpleMeterRegistry())
        .record(server.uri("/sample/index.m3u8"), RecordTarget.ts(out.resolve("s.ts")), RecordListener.NONE))
        .isInstanceOf(HlsException.class)
        .hasMessageContaining("unsupported encryption: METHOD=SAMPLE-AES")
        .hasMessageContaining("com.apple.streamingkeydelivery");
  }

  @Test
  void record_byteRangesWithImplicitOffsets_equalsTheSingleFile() throws Exception {
    String original = Files.readString(media.resolve("single/index.m3u8"));
    assertThat(original).contains("#EXT-X-BYTERANGE:");
    // Keep the first offset, leave the others implicit (RFC 8216bis 4.4.4.2).
    StringBuilder implicit = new StringBuilder();
    boolean first = true;
    for (String line : original.split("\n")) {
      if (line.startsWith("#EXT-X-BYTERANGE:") && !first) {
        line = line.substring(0, line.indexOf('@'));
      }
      if (line.startsWith("#EXT-X-BYTERANGE:")) {
        first = false;
      }
      implicit.append(line).append('\n');
    }
    Files.writeString(media.resolve("single/implicit.m3u8"), implicit);
    Path file = out.resolve("single.ts");
    RecordSummary s = HlsRecorder.create(fast().build(), new SimpleMeterRegistry())
        .record(server.uri("/single/implicit.m3u8"), RecordTarget.ts(file), RecordListener.NONE);
    String tsName = HlsMedia.segmentUris(media.resolve("single/index.m3u8")).getFirst();
    assertThat(s.segments()).isGreaterThan(5);
    assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(media.resolve("single").resolve(tsName)));
    assertThat(server.requestHeaders().stream().filter(h -> h.containsKey("range")).count())
        .isGreaterThanOrEqualTo(s.segments());
  }

  @Test
  void record_fmp4_writesTheInitSectionOnceThenTheSegments() throws Exception {
    Path playlist = media.resolve("fmp4/index.m3u8");
    assertThat(Files.readString(playlist)).contains("#EXT-X-MAP:URI=\"init.mp4\"");
    Path file = out.resolve("f.mp4.raw");
    HlsRecorder.create(fast().build(), new SimpleMeterRegistry())
        .record(server.uri("/fmp4/index.m3u8"), RecordTarget.ts(file), RecordListener.NONE);
    List<Path> parts = new ArrayList<>();
    parts.add(media.resolve("fmp4/init.mp4"));
    HlsMedia.segmentUris(playlist).forEach(u -> parts.add(media.resolve("fmp4").resolve(u)));
    assertThat(Files.readAllBytes(file)).isEqualTo(HlsMedia.concat(parts));
    assertThat(server.count("/fmp4/init.mp4")).isEqualTo(1);
  }

  @Test
  void record_sendsHeadersAndUserAgentOnEveryRequest() throws Exception {
    int before = server.requests().size();
    HlsRecorder.create(fast().header("X-Token", "t1").header("Referer", "https://example.org/")
            .header("User-Agent", "KanalTest/1").build(), new SimpleMeterRegistry())
        .record(server.uri("/aes-seq/index.m3u8"), RecordTarget.ts(out.resolve("h.ts")), RecordListener.NONE);
    List<Map<String, String>> headers = server.requestHeaders().subList(before, server.requests().size());
    assertThat(headers).hasSizeGreaterThan(10).allSatisfy(h -> {
      assertThat(h).containsEntry("x-token", "t1").containsEntry("referer", "https://example.org/")
          .containsEntry("user-agent", "KanalTest/1");
    });
  }

  @Test
  void record_masterPlaylist_picksTheVariantByQuality() throws Exception {
    String master = """
        #EXTM3U
        #EXT-X-STREAM-INF:BANDWIDTH=200000,RESOLUTION=320x180
        ../aes-seq/index.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=100000,RESOLUTION=160x90
        ../clear/index.m3u8
        """;
    server.route("/master/index.m3u8", () -> new HlsTestServer.Body(master.getBytes(StandardCharsets.UTF_8), "x"));
    Path file = out.resolve("m.ts");
    RecordSummary s = HlsRecorder.create(fast().quality("90p").build(), new SimpleMeterRegistry())
        .record(server.uri("/master/index.m3u8"), RecordTarget.ts(file), RecordListener.NONE);
    assertThat(s.variant()).endsWith("/clear/index.m3u8");
    assertThat(Files.readAllBytes(file)).isEqualTo(clearBytes("clear"));
    assertThat(s.recordedSeconds()).isGreaterThan(BigDecimal.TEN);
  }
}
