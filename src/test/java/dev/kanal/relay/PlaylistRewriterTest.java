package dev.kanal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.playlist.Playlists;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every kind of URI in a playlist becomes a relay URL naming the right upstream URL, and nothing else changes. */
class PlaylistRewriterTest {

  static final String CHANNEL = "News.example";
  static final URI BASE = URI.create("https://cdn.example/live/ch1/master.m3u8?sig=abc");
  static final Pattern RELAYED = Pattern.compile("s/([A-Za-z0-9_-]+)\\.([a-z0-9]+)");

  private final RelayTokens tokens = new RelayTokens(RelayTokensTest.SECRET);
  private final long source = RelayTokens.sourceId("https://cdn.example/live/ch1/master.m3u8");

  /** The upstream URL (and kind) behind a relay path, checking it is one. */
  private RelayTokens.Claim claim(String relayPath) {
    Matcher m = RELAYED.matcher(relayPath);
    assertThat(m.matches()).as("relay path %s", relayPath).isTrue();
    RelayTokens.Claim c = tokens.verify(CHANNEL, m.group(1)).orElseThrow();
    assertThat(c.sourceId()).isEqualTo(source);
    return c;
  }

  /** Every URI-looking value of a playlist text: URI lines and URI="..." attributes. */
  private static List<String> uris(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        out.add(line);
      }
      Matcher m = Pattern.compile("URI=\"([^\"]*)\"").matcher(line);
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  @Test
  void master_rewritesVariantsRenditionsIFramesSessionKeysAndData_andKeepsAttributes() throws Exception {
    String upstream = """
        #EXTM3U
        #EXT-X-VERSION:6
        #EXT-X-INDEPENDENT-SEGMENTS
        #EXT-X-DEFINE:NAME="path",VALUE="hd"
        #EXT-X-CONTENT-STEERING:SERVER-URI="https://steer.example/manifest.json"
        #EXT-X-SESSION-DATA:DATA-ID="com.example.title",URI="meta/title.json"
        #EXT-X-SESSION-KEY:METHOD=AES-128,URI="https://keys.example/k1?t=1",IV=0x00000000000000000000000000000001
        #EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://fairplay/abc",KEYFORMAT="com.apple.streamingkeydelivery"
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="audio/en.m3u8"
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Deutsch",LANGUAGE="de",URI="/abs/audio/de.m3u8"
        #EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC1",INSTREAM-ID="CC1"
        #EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="aud",CLOSED-CAPTIONS="cc"
        {$path}/low.m3u8?sig=1
        #EXT-X-VENDOR-TAG:FOO=1
        #EXT-X-VENDOR-AD:URI="https://ads.example/x"
        #EXT-X-STREAM-INF:BANDWIDTH=2400000,RESOLUTION=1280x720,AUDIO="aud"
        https://other.example/high.m3u8
        #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="iframes.m3u8"
        """;
    MasterPlaylist m = (MasterPlaylist) Playlists.parse(upstream, ParseOptions.DEFAULTS.withBaseUri(BASE));
    MasterPlaylist out = new PlaylistRewriter(tokens, CHANNEL, source, BASE).master(m);
    String text = dev.kanal.playlist.HlsWriter.toString(out);

    assertThat(out.variants()).extracting(MasterPlaylist.Variant::uri).containsExactly("v0.m3u8", "v1.m3u8");
    assertThat(out.variants()).extracting(v -> v.stream().bandwidth().getAsLong()).containsExactly(800000L, 2400000L);
    assertThat(out.variants().get(0).stream().codecs()).contains("avc1.4d401e,mp4a.40.2");
    assertThat(out.variants().get(0).groups().audio()).contains("aud");
    assertThat(out.renditions()).extracting(r -> r.uri().orElse("-")).containsExactly("r0.m3u8", "r1.m3u8", "-");
    assertThat(out.renditions().get(0).language()).contains("en");
    assertThat(out.iframeVariants()).extracting(MasterPlaylist.IFrameVariant::uri).containsExactly("i0.m3u8");
    assertThat(claim(out.sessionData().getFirst().uri().orElseThrow()))
        .isEqualTo(new RelayTokens.Claim(RelayTokens.Kind.KEY, source, "https://cdn.example/live/ch1/meta/title.json"));
    assertThat(claim(out.sessionKeys().get(0).uri().orElseThrow()).url()).isEqualTo("https://keys.example/k1?t=1");
    assertThat(out.sessionKeys().get(0).iv()).contains("0x00000000000000000000000000000001");
    assertThat(out.sessionKeys().get(1).uri()).contains("skd://fairplay/abc");
    assertThat(out.contentSteering()).isEmpty();
    assertThat(text).doesNotContain("EXT-X-DEFINE", "cdn.example", "other.example", "steer.example", "ads.example",
        "VENDOR-AD").contains("#EXT-X-VENDOR-TAG:FOO=1", "#EXT-X-INDEPENDENT-SEGMENTS");
    // Every URI the player will fetch is a relay URL (or the FairPlay key the CDM resolves itself).
    assertThat(uris(text)).allSatisfy(u -> assertThat(u).matches("([vri]\\d+\\.m3u8|s/[A-Za-z0-9_-]+\\.[a-z0-9]+|skd://fairplay/abc)"));
  }

  @Test
  void variantsPick_nearestBandwidthAndMatchingRendition() throws Exception {
    MasterPlaylist first = (MasterPlaylist) Playlists.parse("""
        #EXTM3U
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="English",LANGUAGE="en",URI="en.m3u8"
        #EXT-X-STREAM-INF:BANDWIDTH=500000
        low.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=3000000
        high.m3u8
        """);
    LiveRelay.RelayMaster announced = new LiveRelay.RelayMaster(java.util.Optional.of(""),
        first.variants().stream().map(v -> v.stream().bandwidth()).toList(), first.renditions(), List.of());
    MasterPlaylist second = (MasterPlaylist) Playlists.parse("""
        #EXTM3U
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="x",NAME="Français",LANGUAGE="fr",URI="fr.m3u8"
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="x",NAME="English",LANGUAGE="en",URI="b-en.m3u8"
        #EXT-X-STREAM-INF:BANDWIDTH=5000000
        b-5000.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=2000000
        b-2000.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=700000
        b-700.m3u8
        """);
    assertThat(Variants.pick(second, 'v', 0, announced)).contains("b-700.m3u8");
    assertThat(Variants.pick(second, 'v', 1, announced)).contains("b-2000.m3u8");
    assertThat(Variants.pick(second, 'r', 0, announced)).contains("b-en.m3u8");
    assertThat(Variants.pick(second, 'i', 0, announced)).isEmpty();
  }

  @Test
  void mediaView_rewritesSegmentsKeysMapsAndByteRanges_relativeAndAbsolute() throws Exception {
    URI base = URI.create("https://cdn.example/live/ch1/v/index.m3u8?sig=abc");
    String upstream = """
        #EXTM3U
        #EXT-X-VERSION:7
        #EXT-X-TARGETDURATION:4
        #EXT-X-MEDIA-SEQUENCE:100
        #EXT-X-DISCONTINUITY-SEQUENCE:7
        #EXT-X-PART-INF:PART-TARGET=1.0
        #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=3.0
        #EXT-X-KEY:METHOD=AES-128,URI="../keys/k1.bin?t=9"
        #EXT-X-MAP:URI="init.mp4",BYTERANGE="720@0"
        #EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:00.000Z
        #EXTINF:4.0,first
        #EXT-X-BYTERANGE:1000@720
        media.mp4
        #EXT-X-PART:DURATION=1.0,URI="part100.1.mp4"
        #EXTINF:4.0,
        #EXT-X-BYTERANGE:1200
        media.mp4
        #EXT-X-KEY:METHOD=AES-128,URI="https://keys.example/k2",IV=0x0000000000000000000000000000ABCD
        #EXTINF:3.96,
        //edge.example/seg/102.m4s?x=1
        #EXT-X-KEY:METHOD=NONE
        #EXTINF:4.0,
        /abs/103 with space.m4s
        #EXT-X-PRELOAD-HINT:TYPE=PART,URI="part104.1.mp4"
        #EXT-X-RENDITION-REPORT:URI="../a/index.m3u8",LAST-MSN=103
        """;
    MediaPlaylist p = (MediaPlaylist) Playlists.parse(upstream, ParseOptions.DEFAULTS.withBaseUri(base));
    MediaView view = new MediaView();
    assertThat(view.merge(p, source, base, p, new PlaylistRewriter(tokens, CHANNEL, source, base))).isTrue();
    String text = view.render();
    MediaPlaylist out = (MediaPlaylist) Playlists.parse(text);

    assertThat(out.mediaSequence()).isEqualTo(100);
    assertThat(out.discontinuitySequence()).isEqualTo(7);
    assertThat(out.targetDurationSeconds()).hasValue(4);
    List<MediaPlaylist.Segment> s = out.segments();
    assertThat(s).hasSize(4);
    assertThat(claim(s.get(0).uri())).isEqualTo(new RelayTokens.Claim(RelayTokens.Kind.SEGMENT, source,
        "https://cdn.example/live/ch1/v/media.mp4"));
    assertThat(s.get(0).uri()).endsWith(".mp4");
    assertThat(s.get(0).byteRange()).hasValueSatisfying(r -> assertThat(r.toString()).isEqualTo("1000@720"));
    assertThat(s.get(1).byteRange()).hasValueSatisfying(r -> assertThat(r.toString()).isEqualTo("1200@1720"));
    assertThat(claim(s.get(1).uri()).url()).isEqualTo("https://cdn.example/live/ch1/v/media.mp4");
    assertThat(claim(s.get(2).uri()).url()).isEqualTo("https://edge.example/seg/102.m4s?x=1");
    assertThat(claim(s.get(3).uri()).url()).isEqualTo("https://cdn.example/abs/103%20with%20space.m4s");
    assertThat(claim(s.get(0).keys().getFirst().uri().orElseThrow()))
        .isEqualTo(new RelayTokens.Claim(RelayTokens.Kind.KEY, source, "https://cdn.example/live/ch1/keys/k1.bin?t=9"));
    assertThat(s.get(0).keys().getFirst().iv()).isEmpty(); // numbers unchanged: the implicit IV still holds
    assertThat(claim(s.get(2).keys().getFirst().uri().orElseThrow()).url()).isEqualTo("https://keys.example/k2");
    assertThat(s.get(2).keys().getFirst().iv()).contains("0x0000000000000000000000000000ABCD");
    assertThat(s.get(3).keys()).isEmpty();
    MediaPlaylist.InitSection map = s.get(0).map().orElseThrow();
    assertThat(claim(map.uri())).isEqualTo(new RelayTokens.Claim(RelayTokens.Kind.MAP, source,
        "https://cdn.example/live/ch1/v/init.mp4"));
    assertThat(map.byteRange()).hasValueSatisfying(r -> assertThat(r.toString()).isEqualTo("720@0"));
    assertThat(s.get(0).title()).contains("first");
    assertThat(s.get(0).programDateTime()).isPresent();
    assertThat(s.get(2).durationSeconds()).isEqualByComparingTo("3.96");
    // Low-latency parts and hints are dropped (the relay does not answer blocking reloads), so no upstream URL is left.
    assertThat(text).doesNotContain("EXT-X-PART", "PRELOAD-HINT", "RENDITION-REPORT", "SERVER-CONTROL", "example");
    assertThat(uris(text)).allSatisfy(u -> assertThat(u).matches("s/[A-Za-z0-9_-]+\\.[a-z0-9]+"));
  }

  @Test
  void mediaView_appendsNewSegmentsAndSlidesTheWindow() throws Exception {
    URI base = URI.create("http://up.example/live/index.m3u8");
    MediaView view = new MediaView();
    PlaylistRewriter rw = new PlaylistRewriter(tokens, CHANNEL, source, base);
    MediaPlaylist p1 = live(10, 3, "g", false);
    view.merge(p1, source, base, p1, rw);
    MediaPlaylist again = live(10, 3, "g", false);
    assertThat(view.merge(again, source, base, again, rw)).as("same segments: no change").isFalse();
    MediaPlaylist p2 = live(12, 3, "g", false);
    assertThat(view.merge(p2, source, base, p2, rw)).isTrue();
    MediaPlaylist out = (MediaPlaylist) Playlists.parse(view.render());
    assertThat(out.mediaSequence()).isEqualTo(12);
    assertThat(out.segments()).extracting(sg -> claim(sg.uri()).url())
        .containsExactly("http://up.example/live/g12.ts", "http://up.example/live/g13.ts", "http://up.example/live/g14.ts");
    assertThat(out.segments()).noneMatch(MediaPlaylist.Segment::discontinuity);
    // An older copy (a lagging CDN edge) changes nothing.
    MediaPlaylist old = live(11, 3, "g", false);
    assertThat(view.merge(old, source, base, old, rw)).isFalse();
  }

  @Test
  void mediaView_onSourceSwitch_continuesNumberingWithDiscontinuity_andExplicitIv() throws Exception {
    URI a = URI.create("http://a.example/live/index.m3u8");
    URI b = URI.create("http://b.example/hls/index.m3u8");
    long sourceB = RelayTokens.sourceId("http://b.example/hls/index.m3u8");
    MediaView view = new MediaView();
    MediaPlaylist pa = live(50, 4, "a", false);
    view.merge(pa, source, a, pa, new PlaylistRewriter(tokens, CHANNEL, source, a));
    MediaPlaylist pb = live(7000, 6, "b", true);
    assertThat(view.merge(pb, sourceB, b, pb, new PlaylistRewriter(tokens, CHANNEL, sourceB, b))).isTrue();
    MediaPlaylist out = (MediaPlaylist) Playlists.parse(view.render());
    // Window: as long as the new upstream one (6): 3 old segments (51..53), then the live edge of b (3 segments).
    assertThat(out.segments()).extracting(MediaPlaylist.Segment::mediaSequence).containsExactly(51L, 52L, 53L, 54L, 55L, 56L);
    assertThat(out.segments()).extracting(MediaPlaylist.Segment::discontinuity)
        .containsExactly(false, false, false, true, false, false);
    assertThat(tokens.verify(CHANNEL, out.segments().get(3).uri().substring(2).replaceAll("\\.ts$", "")).orElseThrow())
        .isEqualTo(new RelayTokens.Claim(RelayTokens.Kind.SEGMENT, sourceB, "http://b.example/hls/b7003.ts"));
    // Renumbered encrypted segments carry their upstream number as an explicit IV.
    assertThat(out.segments().get(3).keys().getFirst().iv()).contains("0x00000000000000000000000000001B5B");
    // Then b's own numbering carries on.
    MediaPlaylist pb2 = live(7001, 6, "b", true);
    view.merge(pb2, sourceB, b, pb2, new PlaylistRewriter(tokens, CHANNEL, sourceB, b));
    MediaPlaylist out2 = (MediaPlaylist) Playlists.parse(view.render());
    assertThat(out2.segments().getLast().mediaSequence()).isEqualTo(57);
    assertThat(tokens.verify(CHANNEL, out2.segments().getLast().uri().substring(2).replaceAll("\\.ts$", ""))
        .orElseThrow().url()).isEqualTo("http://b.example/hls/b7006.ts");
    // The discontinuity slides out later; its count moves into EXT-X-DISCONTINUITY-SEQUENCE.
    for (int start = 7002; start < 7010; start++) {
      MediaPlaylist next = live(start, 6, "b", true);
      view.merge(next, sourceB, b, next, new PlaylistRewriter(tokens, CHANNEL, sourceB, b));
    }
    MediaPlaylist out3 = (MediaPlaylist) Playlists.parse(view.render());
    assertThat(out3.discontinuitySequence()).isEqualTo(1);
    assertThat(out3.segments()).noneMatch(MediaPlaylist.Segment::discontinuity);
    assertThat(out3.mediaSequence()).isEqualTo(60);
  }

  @Test
  void mediaView_onUpstreamSequenceReset_orSkippedSegments_marksDiscontinuity() throws Exception {
    URI base = URI.create("http://up.example/live/index.m3u8");
    PlaylistRewriter rw = new PlaylistRewriter(tokens, CHANNEL, source, base);
    MediaView view = new MediaView();
    MediaPlaylist p = live(500, 3, "g", false);
    view.merge(p, source, base, p, rw);
    MediaPlaylist reset = live(0, 3, "r", false); // encoder restart: numbers start again
    view.merge(reset, source, base, reset, rw);
    MediaPlaylist out = (MediaPlaylist) Playlists.parse(view.render());
    assertThat(out.segments()).extracting(MediaPlaylist.Segment::mediaSequence).containsExactly(503L, 504L, 505L);
    assertThat(out.segments().getFirst().discontinuity()).isTrue();
    MediaPlaylist jump = live(10, 3, "r", false); // 3..9 never seen
    view.merge(jump, source, base, jump, rw);
    MediaPlaylist out2 = (MediaPlaylist) Playlists.parse(view.render());
    assertThat(out2.segments()).extracting(MediaPlaylist.Segment::mediaSequence).containsExactly(506L, 507L, 508L);
    assertThat(out2.segments()).extracting(MediaPlaylist.Segment::discontinuity).containsExactly(true, false, false);
  }

  /** A live playlist of {@code count} 2 s segments from {@code first}, optionally AES-128 without IV. */
  private static MediaPlaylist live(long first, int count, String prefix, boolean encrypted) throws Exception {
    StringBuilder b = new StringBuilder("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:" + first + "\n");
    if (encrypted) {
      b.append("#EXT-X-KEY:METHOD=AES-128,URI=\"key.bin\"\n");
    }
    for (long k = first; k < first + count; k++) {
      b.append("#EXTINF:2.0,\n").append(prefix).append(k).append(".ts\n");
    }
    return (MediaPlaylist) Playlists.parse(b.toString());
  }
}
