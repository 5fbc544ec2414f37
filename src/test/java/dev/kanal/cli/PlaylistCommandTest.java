package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kanal.cli.KanalCliTest.Run;
import dev.kanal.testing.Corpus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaylistCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private static JsonNode json(Run r) throws IOException {
    assertThat(r.exit()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void inspectJson_iptv_followsTheContract() throws IOException {
    JsonNode root = json(KanalCliTest.run("playlist", "inspect", "--json", Corpus.file("iptv-org/cn.m3u").toString()));
    assertThat(root.path("kind").asText()).isEqualTo("iptv");
    assertThat(root.has("version")).isTrue();
    assertThat(root.path("header").isObject()).isTrue();
    JsonNode first = root.path("entries").get(0);
    assertThat(first.path("title").asText()).isEqualTo("CCTV-1综合 (1080p)");
    assertThat(first.path("url").asText()).startsWith("http://");
    assertThat(first.path("duration").asInt()).isEqualTo(-1);
    assertThat(first.path("attributes").path("tvg-id").asText()).isNotEmpty();
    assertThat(first.path("quality").asText()).isEqualTo("1080p");
    assertThat(first.path("geoBlocked").isBoolean()).isTrue();
    assertThat(first.path("not24x7").isBoolean()).isTrue();
    assertThat(first.path("headers").isObject()).isTrue();
    // cn.m3u is cut mid-line on purpose: a warning, not a failure.
    assertThat(root.path("warnings").size()).isPositive();
    assertThat(root.path("warnings").get(0).path("line").asInt()).isPositive();
  }

  @Test
  void inspectJson_iptvHeadersFromExtvlcopt() throws IOException {
    Path file = Files.writeString(dir.resolve("p.m3u"), """
        #EXTM3U x-tvg-url="http://guide/epg.xml"
        #EXTINF:-1 tvg-id="a.b" group-title="News",A (720p) [Geo-blocked]
        #EXTVLCOPT:http-user-agent=Mozilla/5.0 Kanal
        #EXTVLCOPT:http-referrer=https://example.org/
        relative/stream.m3u8
        """);
    JsonNode root = json(KanalCliTest.run("playlist", "inspect", "--json", file.toString()));
    assertThat(root.path("header").path("x-tvg-url").asText()).isEqualTo("http://guide/epg.xml");
    JsonNode e = root.path("entries").get(0);
    assertThat(e.path("headers").path("User-Agent").asText()).isEqualTo("Mozilla/5.0 Kanal");
    assertThat(e.path("headers").path("Referer").asText()).isEqualTo("https://example.org/");
    assertThat(e.path("group").asText()).isEqualTo("News");
    assertThat(e.path("quality").asText()).isEqualTo("720p");
    assertThat(e.path("geoBlocked").asBoolean()).isTrue();
    assertThat(e.path("url").asText()).isEqualTo(dir.toUri().resolve("relative/stream.m3u8").toString());
  }

  @Test
  void inspectJson_master_followsTheContract() throws IOException {
    JsonNode root = json(KanalCliTest.run("playlist", "inspect", "--json",
        Corpus.file("hls/m3u8-parser/open-m3u8/multivariantPlaylistWithAlternativeAudio.m3u8").toString()));
    assertThat(root.path("kind").asText()).isEqualTo("master");
    JsonNode v = root.path("variants").get(0);
    for (String key : new String[] {"uri", "bandwidth", "averageBandwidth", "resolution", "codecs", "frameRate",
        "audio", "video", "subtitles"}) {
      assertThat(v.has(key)).as(key).isTrue();
    }
    assertThat(root.path("renditions").get(0).path("type").asText()).isEqualTo("AUDIO");
    assertThat(root.path("renditions").get(0).has("groupId")).isTrue();
    assertThat(root.path("iframeVariants").isArray()).isTrue();
  }

  @Test
  void inspectJson_media_hasExactDurationsAndByteRanges() throws IOException {
    Path file = Files.writeString(dir.resolve("m.m3u8"), """
        #EXTM3U
        #EXT-X-VERSION:4
        #EXT-X-TARGETDURATION:10
        #EXT-X-MEDIA-SEQUENCE:7
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXT-X-KEY:METHOD=AES-128,URI="k.bin",IV=0x00000000000000000000000000000001
        #EXTINF:9.009,
        #EXT-X-BYTERANGE:1000@0
        all.ts
        #EXTINF:9.009,
        #EXT-X-BYTERANGE:500
        all.ts
        #EXT-X-ENDLIST
        """);
    JsonNode root = json(KanalCliTest.run("playlist", "inspect", "--json", file.toString()));
    assertThat(root.path("kind").asText()).isEqualTo("media");
    assertThat(root.path("version").asInt()).isEqualTo(4);
    assertThat(root.path("targetDuration").asInt()).isEqualTo(10);
    assertThat(root.path("mediaSequence").asInt()).isEqualTo(7);
    assertThat(root.path("playlistType").asText()).isEqualTo("VOD");
    assertThat(root.path("endList").asBoolean()).isTrue();
    assertThat(root.path("totalDuration").decimalValue()).isEqualByComparingTo("18.018");
    JsonNode second = root.path("segments").get(1);
    assertThat(second.path("duration").decimalValue()).isEqualByComparingTo("9.009");
    assertThat(second.path("byteRange").path("length").asLong()).isEqualTo(500);
    assertThat(second.path("byteRange").path("offset").asLong()).isEqualTo(1000);
    assertThat(second.path("key").path("method").asText()).isEqualTo("AES-128");
    assertThat(second.path("key").path("uri").asText()).isEqualTo("k.bin");
    assertThat(second.has("map")).isTrue();
    assertThat(second.has("programDateTime")).isTrue();
    assertThat(second.path("gap").asBoolean()).isFalse();
  }

  @Test
  void inspect_text_summarises() {
    Run r = KanalCliTest.run("playlist", "inspect", Corpus.file("free-tv/playlist.m3u8").toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("IPTV playlist: 2059 entries").contains("more (--all lists them)");
  }

  @Test
  void validate_exitCodes_validInvalidUnreadable() throws IOException {
    Path good = Files.writeString(dir.resolve("good.m3u8"), """
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:6
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXT-X-INDEPENDENT-SEGMENTS
        #EXTINF:6.0,
        a.ts
        #EXT-X-ENDLIST
        """);
    Path bad = Files.writeString(dir.resolve("bad.m3u8"), """
        #EXTM3U
        #EXT-X-TARGETDURATION:4
        #EXTINF:9.0,
        a.ts
        #EXT-X-ENDLIST
        """);
    Run ok = KanalCliTest.run("playlist", "validate", good.toString());
    assertThat(ok.exit()).as(ok.out()).isZero();
    assertThat(ok.out()).contains("valid media playlist");
    Run invalid = KanalCliTest.run("playlist", "validate", bad.toString());
    assertThat(invalid.exit()).isEqualTo(1);
    assertThat(invalid.out()).contains(bad + ":3: error:");
    Run missing = KanalCliTest.run("playlist", "validate", dir.resolve("nope.m3u8").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo("kanal: " + dir.resolve("nope.m3u8") + ": no such file\n");
  }

  @Test
  void validateJson_listsErrorsWithLines() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.m3u8"), "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:9.0,\na.ts\n");
    Run r = KanalCliTest.run("playlist", "validate", "--json", bad.toString());
    assertThat(r.exit()).isEqualTo(1);
    JsonNode root = JSON.readTree(r.out());
    assertThat(root.path("valid").asBoolean()).isFalse();
    assertThat(root.path("errors").get(0).path("line").asInt()).isEqualTo(3);
  }

  @Test
  void validateStrict_turnsParseWarningsIntoInvalid() throws IOException {
    Path odd = Files.writeString(dir.resolve("odd.m3u8"), "#EXTM3U\n#EXT-X-TARGETDURATION:x\n#EXTINF:4,\na.ts\n");
    Run r = KanalCliTest.run("playlist", "validate", "--strict", odd.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).startsWith(odd + ":2: error:");
  }

  @Test
  void overMaxSize_isUnreadable() throws IOException {
    Path big = Files.writeString(dir.resolve("big.m3u"), "#EXTM3U\n" + "#EXTINF:-1,x\nhttp://a/b\n".repeat(1000));
    Run r = KanalCliTest.run("playlist", "inspect", "--max-size", "1KB", big.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("kanal: " + big + ": input is larger than the limit of 1024 bytes\n");
  }

  @Test
  void inspectUrl_sendsHeaders_andResolvesAgainstTheUrl() throws IOException {
    AtomicReference<String> referer = new AtomicReference<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/lists/tv.m3u", ex -> {
      referer.set(ex.getRequestHeaders().getFirst("Referer"));
      byte[] body = "#EXTM3U\n#EXTINF:-1,One\n../streams/one.m3u8\n".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      JsonNode root = json(KanalCliTest.run("playlist", "inspect", "--json", "-H", "Referer: https://r.example/",
          base + "/lists/tv.m3u"));
      assertThat(referer.get()).isEqualTo("https://r.example/");
      assertThat(root.path("entries").get(0).path("url").asText()).isEqualTo(base + "/streams/one.m3u8");
      Run notFound = KanalCliTest.run("playlist", "inspect", base + "/missing.m3u");
      assertThat(notFound.exit()).isEqualTo(2);
      assertThat(notFound.err()).isEqualTo("kanal: " + base + "/missing.m3u answered HTTP 404\n");
      Run badHeader = KanalCliTest.run("playlist", "inspect", "-H", "no-colon", base + "/lists/tv.m3u");
      assertThat(badHeader.exit()).isEqualTo(2);
    } finally {
      server.stop(0);
    }
  }
}
