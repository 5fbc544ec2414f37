package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IptvWriterTest {

  private static IptvPlaylist parse(String text) throws PlaylistParseException {
    return (IptvPlaylist) Playlists.parse(text);
  }

  @Test
  void write_parsedPlaylist_givesCanonicalText() throws Exception {
    IptvPlaylist p = parse("""
        \uFEFF#EXTM3U   x-tvg-url='http://g/a.xml'  tvg-shift=2\r
        # before the first entry\r
        #EXTVLCOPT:http-user-agent = VLC/3.0\r
        #EXTINF:-1  TVG-ID=abc  tvg-name='Say "hi"' group-title="A, B" ,  My Channel (720p)  \r
        #KODIPROP:inputstream=inputstream.adaptive\r
        #EXTGRP:Ignored because group-title wins\r
        http://x/a.m3u8|User-Agent=x\r
        \r
        http://x/bare.ts\r
        #EXTINF:10.50,Second\r
        #EXTVLCOPT:no-video\r
        rel/b.ts\r
        # trailing comment\r
        """);

    assertThat(IptvWriter.toString(p)).isEqualTo("""
        #EXTM3U x-tvg-url="http://g/a.xml" tvg-shift="2"
        #EXTINF:-1 tvg-id="abc" tvg-name='Say "hi"' group-title="A, B",My Channel (720p)
        #EXTGRP:Ignored because group-title wins
        #EXTVLCOPT:http-user-agent=VLC/3.0
        #KODIPROP:inputstream=inputstream.adaptive
        # before the first entry
        http://x/a.m3u8|User-Agent=x
        #EXTINF:-1,bare.ts
        http://x/bare.ts
        #EXTINF:10.50,Second
        #EXTVLCOPT:no-video
        rel/b.ts
        # trailing comment
        """);
  }

  @Test
  void write_emptyPlaylist_givesHeaderOnly() {
    IptvPlaylist p = new IptvPlaylist(Map.of(), List.of(), List.of(), List.of());

    assertThat(IptvWriter.toString(p)).isEqualTo("#EXTM3U\n");
  }

  @Test
  void write_toAppendable_matchesToString() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1 tvg-id=\"a\",A\nhttp://x/a\n");
    StringWriter out = new StringWriter();

    IptvWriter.write(p, out);

    assertThat(out).hasToString(IptvWriter.toString(p));
  }

  @Test
  void write_valueWithBothQuotes_staysOneValue() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1 tvg-id=a\"b'c tvg-name=\"x\",T\nhttp://x/a\n");
    String written = IptvWriter.toString(p);

    assertThat(written).contains("tvg-id=a\"b'c tvg-name=\"x\",T");
    assertThat(parse(written).withoutPositions()).isEqualTo(p.withoutPositions());
  }

  @Test
  void write_handBuiltAwkwardValues_keepsLineStructure() throws Exception {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("tvg-name", "line\nbreak");
    attributes.put("both", "it's \"quoted\", twice");
    attributes.put("bad key", "v");
    IptvPlaylist.Entry entry = new IptvPlaylist.Entry("Title\r\nsecond", "http://x/a", "http://x/a",
        new BigDecimal("-1"), attributes, "", Map.of("k=x", "v"), Map.of(), List.of("not a comment"), 0);
    IptvPlaylist p = new IptvPlaylist(Map.of(), List.of(entry), List.of(), List.of());

    String written = IptvWriter.toString(p);

    assertThat(written).isEqualTo("""
        #EXTM3U
        #EXTINF:-1 tvg-name="line break" both="it's 'quoted', twice" bad_key="v",Title  second
        #EXTVLCOPT:k_x=v
        #not a comment
        http://x/a
        """);
    IptvPlaylist.Entry back = parse(written).entries().get(0);
    assertThat(back.attributes()).containsOnlyKeys("tvg-name", "both", "bad_key");
    assertThat(back.url()).isEqualTo("http://x/a");
  }

  @Test
  void write_output_hasLfOnlyAndNoBom() throws Exception {
    IptvPlaylist p = parse("\uFEFF#EXTM3U\r\n#EXTINF:-1,A\r\nhttp://x/a\r\n");

    String written = IptvWriter.toString(p);

    assertThat(written).doesNotContain("\r").doesNotStartWith("\uFEFF").endsWith("\n");
  }
}
