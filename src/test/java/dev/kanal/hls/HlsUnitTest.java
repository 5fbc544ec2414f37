package dev.kanal.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kanal.playlist.HlsByteRange;
import dev.kanal.playlist.HlsKey;
import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.Playlists;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quality names and selection, IV derivation, byte ranges, backoff, the live segment tracker, player commands. */
class HlsUnitTest {

  static final MasterPlaylist MASTER = (MasterPlaylist) parse("""
      #EXTM3U
      #EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,FRAME-RATE=30
      360.m3u8
      #EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720,FRAME-RATE=30
      720.m3u8
      #EXT-X-STREAM-INF:BANDWIDTH=4500000,RESOLUTION=1280x720,FRAME-RATE=60
      720p60.m3u8
      #EXT-X-STREAM-INF:BANDWIDTH=6000000,RESOLUTION=1920x1080,FRAME-RATE=30
      1080.m3u8
      #EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2"
      audio.m3u8
      """);

  static dev.kanal.playlist.Playlist parse(String text) {
    try {
      return Playlists.parse(text);
    } catch (dev.kanal.playlist.PlaylistParseException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void quality_namesLikeStreamlink() {
    assertThat(Quality.names(MASTER)).containsExactly("1080p", "720p60", "720p", "360p", "64k");
  }

  @Test
  void quality_select() throws Exception {
    assertThat(Quality.select(MASTER, "best").uri()).isEqualTo("1080.m3u8");
    assertThat(Quality.select(MASTER, "worst").uri()).isEqualTo("audio.m3u8");
    assertThat(Quality.select(MASTER, "720p").uri()).isEqualTo("720.m3u8");
    assertThat(Quality.select(MASTER, "720p60").uri()).isEqualTo("720p60.m3u8");
    assertThat(Quality.select(MASTER, "3000k").uri()).isEqualTo("720.m3u8");
    assertThat(Quality.select(MASTER, "5000k").uri()).isEqualTo("720p60.m3u8");
    assertThatThrownBy(() -> Quality.select(MASTER, "480p")).isInstanceOf(HlsException.class)
        .hasMessage("quality 480p is not available; this stream has 1080p, 720p60, 720p, 360p, 64k");
    assertThat(Quality.isValid("hd")).isFalse();
  }

  @Test
  void iv_fromTheAttribute_paddedOnTheLeft() throws Exception {
    HlsKey key = new HlsKey(HlsKey.Method.AES_128, Optional.of("k"), Optional.of("0x0102"), Optional.empty(),
        Optional.empty());
    assertThat(HexFormat.of().formatHex(Aes128.iv(key, 99))).isEqualTo("00000000000000000000000000000102");
  }

  @Test
  void iv_withoutAttribute_isTheMediaSequenceBigEndian() throws Exception {
    HlsKey key = HlsKey.of(HlsKey.Method.AES_128, "k");
    assertThat(HexFormat.of().formatHex(Aes128.iv(key, 0x1234567890L))).isEqualTo("00000000000000000000001234567890");
    assertThat(HexFormat.of().formatHex(Aes128.iv(key, 0))).isEqualTo("00000000000000000000000000000000");
  }

  @Test
  void keys_methodNoneMeansClear_andOtherFormatsAreRefused() throws Exception {
    assertThat(Aes128.applicableKey(List.of())).isEmpty();
    assertThat(Aes128.applicableKey(List.of(HlsKey.of(HlsKey.Method.NONE, "")))).isEmpty();
    HlsKey widevine = new HlsKey(HlsKey.Method.SAMPLE_AES_CTR, Optional.of("data:x"), Optional.empty(),
        Optional.of("urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"), Optional.empty());
    assertThatThrownBy(() -> Aes128.applicableKey(List.of(widevine))).hasMessageContaining("METHOD=SAMPLE-AES-CTR")
        .hasMessageContaining("urn:uuid:edef8ba9");
  }

  @Test
  void aes128_keyFetchedOncePerUri_evenConcurrently() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    Aes128 aes = new Aes128(uri -> {
      fetches.incrementAndGet();
      Thread.sleep(50);
      return new byte[16];
    });
    List<Thread> threads = java.util.stream.IntStream.range(0, 8).mapToObj(i -> Thread.ofVirtual().start(() -> {
      try {
        aes.key(URI.create("http://h/k"));
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    })).toList();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(fetches).hasValue(1);
  }

  @Test
  void byteRanges_implicitOffsetsFollowThePreviousRange_andBecomeRangeHeaders() {
    MediaPlaylist p = (MediaPlaylist) parse("""
        #EXTM3U
        #EXT-X-TARGETDURATION:2
        #EXT-X-BYTERANGE:1000@500
        #EXTINF:1,
        all.ts
        #EXT-X-BYTERANGE:2000
        #EXTINF:1,
        all.ts
        #EXT-X-BYTERANGE:300
        #EXTINF:1,
        all.ts
        """);
    List<String> headers = p.segments().stream().map(s -> HlsHttp.rangeHeader(s.byteRange().orElseThrow())).toList();
    assertThat(headers).containsExactly("bytes=500-1499", "bytes=1500-3499", "bytes=3500-3799");
  }

  @Test
  void byteRanges_aServerIgnoringRangeIsCut_aWrong206IsRefused() throws Exception {
    byte[] whole = new byte[100];
    for (int i = 0; i < whole.length; i++) {
      whole[i] = (byte) i;
    }
    URI u = URI.create("http://h/x");
    assertThat(HlsHttp.slice(u, whole, new HlsByteRange(10, 20), 200)).containsExactly(
        20, 21, 22, 23, 24, 25, 26, 27, 28, 29);
    assertThatThrownBy(() -> HlsHttp.slice(u, whole, new HlsByteRange(10, 20), 206)).isInstanceOf(IOException.class);
  }

  @Test
  void backoff_doublesWithJitterWithinHalfAndOneAndAHalf() {
    Backoff b = new Backoff(Duration.ofMillis(100), new Random(42));
    for (int retry = 1; retry <= 5; retry++) {
      long base = 100L << (retry - 1);
      for (int i = 0; i < 50; i++) {
        assertThat(b.delay(retry).toMillis()).isBetween(base / 2, base * 3 / 2);
      }
    }
    assertThat(b.delay(40)).isLessThanOrEqualTo(Backoff.MAX);
    Backoff min = new Backoff(Duration.ofMillis(100), new FixedRandom(0.0));
    Backoff max = new Backoff(Duration.ofMillis(100), new FixedRandom(0.999));
    assertThat(min.delay(3)).isEqualTo(Duration.ofMillis(200));
    assertThat(max.delay(3).toMillis()).isEqualTo(599);
  }

  /** A random source that always returns one value. */
  record FixedRandom(double value) implements java.util.random.RandomGenerator {
    @Override
    public long nextLong() {
      return 0;
    }

    @Override
    public double nextDouble() {
      return value;
    }
  }

  @Test
  void retryable_statusesThatCannotChangeAreNot() {
    URI u = URI.create("http://h/x");
    assertThat(HlsHttp.isRetryable(new HlsHttp.StatusException(u, 404))).isTrue();
    assertThat(HlsHttp.isRetryable(new HlsHttp.StatusException(u, 503))).isTrue();
    assertThat(HlsHttp.isRetryable(new HlsHttp.StatusException(u, 403))).isFalse();
    assertThat(HlsHttp.isRetryable(new HttpTimeoutException("slow"))).isTrue();
    assertThat(HlsHttp.isRetryable(new IOException("short body"))).isTrue();
  }

  static MediaPlaylist live(long seq, String... uris) {
    StringBuilder b = new StringBuilder("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:" + seq + "\n");
    for (String u : uris) {
      b.append("#EXTINF:2,\n").append(u).append('\n');
    }
    return (MediaPlaylist) parse(b.toString());
  }

  static List<String> uris(SegmentTracker.Update u) {
    return u.picks().stream().map(p -> p.segment().uri()).toList();
  }

  @Test
  void tracker_startsAtTheLiveEdge_thenTakesOnlyNewSegments() {
    SegmentTracker t = new SegmentTracker(3, false);
    assertThat(uris(t.update(live(10, "a", "b", "c", "d", "e")))).containsExactly("c", "d", "e");
    assertThat(uris(t.update(live(10, "a", "b", "c", "d", "e")))).isEmpty();
    assertThat(uris(t.update(live(11, "b", "c", "d", "e", "f", "g")))).containsExactly("f", "g");
  }

  @Test
  void tracker_fromStart_takesTheWholeWindow() {
    SegmentTracker t = new SegmentTracker(3, true);
    assertThat(uris(t.update(live(10, "a", "b", "c", "d", "e")))).containsExactly("a", "b", "c", "d", "e");
  }

  @Test
  void tracker_windowMovedPastUnseenSegments_reportsAGapWithAnEstimatedDuration() {
    SegmentTracker t = new SegmentTracker(1, false);
    t.update(live(10, "a", "b"));
    SegmentTracker.Update u = t.update(live(15, "f", "g"));
    assertThat(uris(u)).containsExactly("f", "g");
    assertThat(u.missed()).hasValue(new SegmentTracker.Missed(12, 3, new BigDecimal("6")));
  }

  @Test
  void tracker_mediaSequenceReset_takesTheNewSegmentsAndMarksTheFirst() {
    SegmentTracker t = new SegmentTracker(2, false);
    t.update(live(100, "x98", "x99", "x100"));
    SegmentTracker.Update u = t.update(live(0, "y0", "y1"));
    assertThat(uris(u)).containsExactly("y0", "y1");
    assertThat(u.picks().get(0).reset()).isTrue();
    assertThat(u.picks().get(1).reset()).isFalse();
    assertThat(uris(t.update(live(0, "y0", "y1", "y2")))).containsExactly("y2");
  }

  @Test
  void tracker_tokensInQueriesChangingOnReload_areNotNewSegments() {
    SegmentTracker t = new SegmentTracker(2, false);
    t.update(live(1, "a.ts?t=1", "b.ts?t=1"));
    assertThat(uris(t.update(live(1, "a.ts?t=2", "b.ts?t=2", "c.ts?t=2")))).containsExactly("c.ts?t=2");
  }

  @Test
  void players_mpvCommand_carriesHeadersUserAgentAndReferrer() {
    Players.PlayerCommand c = Players.command(Players.Player.MPV, "mpv", "https://cdn.example/live.m3u8?a=1&b=2",
        headers(), Optional.empty());
    assertThat(c.shellLine()).isEqualTo("mpv '--http-header-fields=X-Token: abc,Cookie: a=1; b=2'"
        + " '--user-agent=Kanal Test/1.0' --referrer=https://site.example/ 'https://cdn.example/live.m3u8?a=1&b=2'");
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void players_vlcCommand_usesItsOptions_andWarnsAboutOtherHeaders() {
    Players.PlayerCommand c = Players.command(Players.Player.VLC, "vlc", "https://cdn.example/live.m3u8", headers(),
        Optional.empty());
    assertThat(c.argv()).containsExactly("vlc", "https://cdn.example/live.m3u8", ":http-user-agent=Kanal Test/1.0",
        ":http-referrer=https://site.example/");
    assertThat(c.warnings()).hasSize(2).allSatisfy(w -> assertThat(w).contains("VLC cannot send"));
  }

  @Test
  void players_commaInAHeaderValue_isEscapedForMpv() {
    Players.PlayerCommand c = Players.command(Players.Player.MPV, "mpv", "http://h/", Map.of("X-List", "a,b"),
        Optional.empty());
    assertThat(c.argv()).contains("--http-header-fields=X-List: a\\,b");
  }

  @Test
  void players_find_looksOnPathInOrder(@TempDir Path dir) throws Exception {
    assertThat(Players.find(Optional.empty(), dir.toString())).isEmpty();
    Path vlc = Files.createFile(dir.resolve("vlc"));
    vlc.toFile().setExecutable(true);
    assertThat(Players.find(Optional.empty(), dir.toString())).hasValue(Players.Player.VLC);
    assertThat(Players.find(Optional.of(Players.Player.MPV), dir.toString())).isEmpty();
    Files.createFile(dir.resolve("mpv")).toFile().setExecutable(true);
    assertThat(Players.find(Optional.empty(), dir.toString())).hasValue(Players.Player.MPV);
  }

  @Test
  void shellQuote_quotesOnlyWhatNeedsIt() {
    assertThat(Players.shellQuote("abc")).isEqualTo("abc");
    assertThat(Players.shellQuote("it's")).isEqualTo("'it'\\''s'");
    assertThat(Players.shellQuote("")).isEqualTo("''");
  }

  static Map<String, String> headers() {
    Map<String, String> h = new java.util.LinkedHashMap<>();
    h.put("X-Token", "abc");
    h.put("User-Agent", "Kanal Test/1.0");
    h.put("Referer", "https://site.example/");
    h.put("Cookie", "a=1; b=2");
    return h;
  }
}
