package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class IptvParserTest {

  private static IptvPlaylist parse(String text) throws PlaylistParseException {
    return parse(text, ParseOptions.DEFAULTS);
  }

  private static IptvPlaylist parse(String text, ParseOptions options) throws PlaylistParseException {
    Playlist playlist = Playlists.parse(text, options);
    assertThat(playlist.kind()).isEqualTo("iptv");
    return (IptvPlaylist) playlist;
  }

  private static IptvPlaylist.Entry only(IptvPlaylist playlist) {
    assertThat(playlist.entries()).hasSize(1);
    return playlist.entries().get(0);
  }

  @Test
  void parse_minimalPlaylist_readsEntry() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U
        #EXTINF:-1 tvg-id="CCTV1.cn" tvg-logo="https://x/logo.png" group-title="News",CCTV-1
        http://example.com/cctv1.m3u8
        """);

    IptvPlaylist.Entry e = only(p);
    assertThat(e.title()).isEqualTo("CCTV-1");
    assertThat(e.url()).isEqualTo("http://example.com/cctv1.m3u8");
    assertThat(e.resolvedUrl()).isEqualTo("http://example.com/cctv1.m3u8");
    assertThat(e.duration()).isEqualTo(new BigDecimal("-1"));
    assertThat(e.live()).isTrue();
    assertThat(e.attributes()).containsExactly(entry("tvg-id", "CCTV1.cn"), entry("tvg-logo", "https://x/logo.png"),
        entry("group-title", "News"));
    assertThat(e.group()).isEqualTo("News");
    assertThat(e.line()).isEqualTo(2);
    assertThat(p.warnings()).isEmpty();
    assertThat(p.trailingLines()).isEmpty();
  }

  @Test
  void parse_withQuotedComma_keepsTitle() throws Exception {
    IptvPlaylist.Entry e = only(parse("""
        #EXTM3U
        #EXTINF:-1 tvg-name="News, Weather" group-title="Local, Regional",Channel 5
        http://x/5
        """));

    assertThat(e.attribute("tvg-name")).hasValue("News, Weather");
    assertThat(e.group()).isEqualTo("Local, Regional");
    assertThat(e.title()).isEqualTo("Channel 5");
  }

  @Test
  void parse_titleWithCommas_keepsAllAfterFirstComma() throws Exception {
    IptvPlaylist.Entry e = only(parse("""
        #EXTM3U
        #EXTINF:-1 tvg-id="a",Hello, World, "quoted" = yes
        http://x/a
        """));

    assertThat(e.title()).isEqualTo("Hello, World, \"quoted\" = yes");
    assertThat(e.attributes()).containsExactly(entry("tvg-id", "a"));
  }

  @Test
  void parse_withUnquotedAndSingleQuotedValues_readsThem() throws Exception {
    IptvPlaylist.Entry e = only(parse("""
        #EXTM3U
        #EXTINF:-1 tvg-chno=12 tvg-id=abc.de tvg-name='Say "hi"' catchup-days=7,Title
        http://x/a
        """));

    assertThat(e.attributes()).containsExactly(entry("tvg-chno", "12"), entry("tvg-id", "abc.de"),
        entry("tvg-name", "Say \"hi\""), entry("catchup-days", "7"));
  }

  @Test
  void parse_withMixedCaseKeys_lowerCasesThem() throws Exception {
    IptvPlaylist.Entry e = only(parse("""
        #EXTM3U
        #EXTINF:-1 tvg-ID="X.us" Group-Title="Movies" TVG-Logo="l",T
        http://x/a
        """));

    assertThat(e.attributes()).containsOnlyKeys("tvg-id", "group-title", "tvg-logo");
    assertThat(e.attribute("TVG-id")).hasValue("X.us");
    assertThat(e.group()).isEqualTo("Movies");
  }

  @Test
  void parse_withKeysChangingBetweenEntries_readsEachAsWritten() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U
        #EXTINF:-1 tvg-id="a" x-Custom="1" group-title="G",A
        http://x/a
        #EXTINF:-1 TVG-ID="b" x-custom="2" group-title="G",B
        http://x/b
        #EXTINF:-1 x-custom="3" tvg-id="c",C
        http://x/c
        #EXTINF:-1 tvg-id="d" x-custom="4" group-title="H" extra="e",D
        http://x/d
        """);

    assertThat(p.entries()).extracting(e -> e.attributes().keySet().stream().toList()).containsExactly(
        List.of("tvg-id", "x-custom", "group-title"), List.of("tvg-id", "x-custom", "group-title"),
        List.of("x-custom", "tvg-id"), List.of("tvg-id", "x-custom", "group-title", "extra"));
    assertThat(p.entries()).extracting(e -> e.attributes().get("x-custom")).containsExactly("1", "2", "3", "4");
    assertThat(p.entries()).extracting(IptvPlaylist.Entry::group).containsExactly("G", "G", "", "H");
  }

  @Test
  void parse_withEmptyValues_keepsThem() throws Exception {
    IptvPlaylist.Entry e = only(parse("""
        #EXTM3U
        #EXTINF:-1 tvg-id="" tvg-logo= group-title="",T
        http://x/a
        """));

    assertThat(e.attributes()).containsExactly(entry("tvg-id", ""), entry("tvg-logo", ""), entry("group-title", ""));
    assertThat(e.group()).isEmpty();
  }

  @Test
  void parse_withUnicodeAndEmojiTitles_keepsThem() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U
        #EXTINF:-1 tvg-id="CCTV1.cn",CCTV-1综合 (1080p)
        http://x/1
        #EXTINF:-1 tvg-name="Первый канал",Первый канал 📺🇷🇺
        http://x/2
        """);

    assertThat(p.entries()).extracting(IptvPlaylist.Entry::title)
        .containsExactly("CCTV-1综合 (1080p)", "Первый канал 📺🇷🇺");
    assertThat(p.entries().get(0).name()).isEqualTo("CCTV-1综合");
    assertThat(p.entries().get(1).attribute("tvg-name")).hasValue("Первый канал");
  }

  @Test
  void parse_withSpaceBeforeComma_readsTitle() throws Exception {
    IptvPlaylist.Entry e = only(parse("""
        #EXTM3U
        #EXTINF:-1 tvg-id="NHKWorldJapan.jp" ,NHK World Japan (720p) [Not 24/7]
        https://x/nhk.m3u8
        """));

    assertThat(e.attributes()).containsExactly(entry("tvg-id", "NHKWorldJapan.jp"));
    assertThat(e.title()).isEqualTo("NHK World Japan (720p) [Not 24/7]");
    assertThat(e.name()).isEqualTo("NHK World Japan");
  }

  @Test
  void parse_withOptionLines_attachesThemToNextUrl() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U
        #EXTINF:-1,One
        #EXTGRP:Sports
        #EXTVLCOPT:network-caching=1000
        #EXTVLCOPT:http-user-agent=Mozilla/5.0 (X11; Linux)
        #KODIPROP:inputstream.adaptive.manifest_type=mpd
        #KODIPROP:inputstream=inputstream.adaptive
        # just a comment
        http://x/one.mpd
        #EXTINF:-1,Two
        http://x/two
        """);

    IptvPlaylist.Entry one = p.entries().get(0);
    assertThat(one.extGrp()).isEqualTo("Sports");
    assertThat(one.group()).isEqualTo("Sports");
    assertThat(one.vlcOptions()).containsExactly(entry("network-caching", "1000"),
        entry("http-user-agent", "Mozilla/5.0 (X11; Linux)"));
    assertThat(one.kodiProps()).containsExactly(entry("inputstream.adaptive.manifest_type", "mpd"),
        entry("inputstream", "inputstream.adaptive"));
    assertThat(one.extraLines()).containsExactly("# just a comment");
    assertThat(one.headers()).containsExactly(entry("User-Agent", "Mozilla/5.0 (X11; Linux)"));

    IptvPlaylist.Entry two = p.entries().get(1);
    assertThat(two.extGrp()).isEmpty();
    assertThat(two.vlcOptions()).isEmpty();
    assertThat(two.kodiProps()).isEmpty();
    assertThat(two.extraLines()).isEmpty();
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void parse_withOptionsBeforeExtinf_attachesThemToNextUrl() throws Exception {
    IptvPlaylist.Entry e = only(parse("""
        #EXTM3U
        #EXTVLCOPT:http-referrer=https://ref.example/
        #EXTINF:-1,One
        http://x/one
        """));

    assertThat(e.vlcOptions()).containsExactly(entry("http-referrer", "https://ref.example/"));
    assertThat(e.headers()).containsExactly(entry("Referer", "https://ref.example/"));
  }

  @Test
  void parse_withGroupTitleAndExtgrp_prefersGroupTitle() throws Exception {
    IptvPlaylist.Entry e = only(parse("""
        #EXTM3U
        #EXTINF:-1 group-title="News",A
        #EXTGRP:Other
        http://x/a
        """));

    assertThat(e.group()).isEqualTo("News");
    assertThat(e.extGrp()).isEqualTo("Other");
  }

  @Test
  void parse_withHeadersFromEveryPlace_laterOverridesEarlier() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U
        #EXTINF:-1 tvg-id="a" user-agent="iPhone" http-referrer="https://attr/",Attributes only
        http://x/a
        #EXTINF:-1 http-user-agent="attr-agent",VLC wins over attribute
        #EXTVLCOPT:http-user-agent=vlc-agent
        #EXTVLCOPT:http-origin=https://origin.example
        http://x/b
        #EXTINF:-1,Kodi stream headers
        #KODIPROP:inputstream.adaptive.stream_headers=User-Agent=kodi%20agent&Referer=https%3A%2F%2Fr%2F&Cookie=a%3Db
        http://x/c
        #EXTINF:-1,Pipe suffix wins
        #EXTVLCOPT:http-user-agent=vlc-agent
        #EXTHTTP:{"cookie":"k=v","User-Agent":"json-agent"}
        http://x/d.m3u8|User-Agent=pipe+agent&referer=https://p/&!verifypeer=false
        """);

    assertThat(p.entries().get(0).headers())
        .containsExactly(entry("User-Agent", "iPhone"), entry("Referer", "https://attr/"));
    assertThat(p.entries().get(1).headers())
        .containsExactly(entry("User-Agent", "vlc-agent"), entry("Origin", "https://origin.example"));
    assertThat(p.entries().get(2).headers())
        .containsExactly(entry("User-Agent", "kodi agent"), entry("Referer", "https://r/"), entry("Cookie", "a=b"));
    IptvPlaylist.Entry d = p.entries().get(3);
    assertThat(d.headers())
        .containsExactly(entry("User-Agent", "pipe agent"), entry("Cookie", "k=v"), entry("Referer", "https://p/"));
    assertThat(d.url()).isEqualTo("http://x/d.m3u8|User-Agent=pipe+agent&referer=https://p/&!verifypeer=false");
    assertThat(d.resolvedUrl()).isEqualTo("http://x/d.m3u8");
    assertThat(d.extraLines()).containsExactly("#EXTHTTP:{\"cookie\":\"k=v\",\"User-Agent\":\"json-agent\"}");
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void parse_withIptvOrgSuffixes_setsFlagsAndName() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U
        #EXTINF:-1 tvg-id="BBCThree.uk",BBC Three HD (720p) [Geo-blocked]
        http://x/1
        #EXTINF:-1,CCTV-1综合 (1080p) [Not 24/7]
        http://x/2
        #EXTINF:-1,Old (576i) [Not 24/7] [Geo-Blocked]
        http://x/3
        #EXTINF:-1,Rede Internacional de TV (RIT TV) (1080p)
        http://x/4
        #EXTINF:-1,Plain Name
        http://x/5
        """);

    List<IptvPlaylist.Entry> e = p.entries();
    assertThat(e).extracting(IptvPlaylist.Entry::name)
        .containsExactly("BBC Three HD", "CCTV-1综合", "Old", "Rede Internacional de TV (RIT TV)", "Plain Name");
    assertThat(e).extracting(IptvPlaylist.Entry::quality)
        .containsExactly(java.util.Optional.of("720p"), java.util.Optional.of("1080p"), java.util.Optional.of("576i"),
            java.util.Optional.of("1080p"), java.util.Optional.empty());
    assertThat(e).extracting(IptvPlaylist.Entry::geoBlocked).containsExactly(true, false, true, false, false);
    assertThat(e).extracting(IptvPlaylist.Entry::not24x7).containsExactly(false, true, true, false, false);
    assertThat(e.get(0).title()).isEqualTo("BBC Three HD (720p) [Geo-blocked]");
  }

  @Test
  void parse_withFreeTvMarkers_stripsThemFromName() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U
        #EXTINF:-1 group-title="France",L'Équipe ⒹⒼ
        http://x/1
        #EXTINF:-1,MVM NoticiasⓈ
        http://x/2
        """);

    assertThat(p.entries()).extracting(IptvPlaylist.Entry::name).containsExactly("L'Équipe", "MVM Noticias");
    assertThat(p.entries()).extracting(IptvPlaylist.Entry::geoBlocked).containsExactly(true, false);
  }

  @Test
  void parse_withCrlfCrAndBom_readsSameAsLf() throws Exception {
    String lf = "#EXTM3U x-tvg-url=\"http://g/x.xml\"\n#EXTINF:-1 tvg-id=\"a\",A\nhttp://x/a\n\n#EXTINF:5,B\nhttp://x/b\n";
    IptvPlaylist expected = parse(lf).withoutPositions();

    assertThat(parse(lf.replace("\n", "\r\n")).withoutPositions()).isEqualTo(expected);
    assertThat(parse(lf.replace("\n", "\r")).withoutPositions()).isEqualTo(expected);
    IptvPlaylist withBom = parse("\uFEFF" + lf.replace("\n", "\r\n"));
    assertThat(withBom.withoutPositions()).isEqualTo(expected);
    assertThat(withBom.warnings()).isEmpty();
    assertThat(withBom.entries()).extracting(IptvPlaylist.Entry::line).containsExactly(2, 5);
  }

  @Test
  void parse_withBlankLinesAndIndentation_ignoresBlanks() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n\n   \n\t#EXTINF:-1 tvg-id=\"a\",A  \n\n  http://x/a  \n\n\n");

    IptvPlaylist.Entry e = only(p);
    assertThat(e.title()).isEqualTo("A");
    assertThat(e.url()).isEqualTo("http://x/a");
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void parse_withEntryWithoutUrl_warnsWithLineNumberAndDropsIt() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U
        #EXTINF:-1,Lost
        #EXTINF:-1,Kept
        http://x/kept
        #EXTINF:-1,Lost at the end
        """);

    assertThat(p.entries()).extracting(IptvPlaylist.Entry::title).containsExactly("Kept");
    assertThat(p.warnings()).containsExactly(
        new ParseWarning(2, "#EXTINF without a URL after it; entry dropped"),
        new ParseWarning(5, "#EXTINF without a URL after it; entry dropped"));
  }

  @Test
  void parse_withUrlWithoutExtinf_titlesEntryFromUrl() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U
        http://example.com/live/channel-one.m3u8?token=1
        #EXTINF:-1,Named
        http://x/named
        https://example.com/
        """);

    assertThat(p.entries()).extracting(IptvPlaylist.Entry::title)
        .containsExactly("channel-one.m3u8", "Named", "example.com");
    assertThat(p.entries()).extracting(IptvPlaylist.Entry::line).containsExactly(2, 3, 5);
    assertThat(p.entries().get(0).live()).isTrue();
    assertThat(p.warnings()).extracting(ParseWarning::line).containsExactly(2, 5);
  }

  @Test
  void parse_withoutHeader_warnsAndReadsEntries() throws Exception {
    IptvPlaylist p = parse("""
        #EXTINF:-1 tvg-id="a",A
        http://x/a
        """);

    assertThat(p.entries()).hasSize(1);
    assertThat(p.header()).isEmpty();
    assertThat(p.warnings()).containsExactly(
        new ParseWarning(1, "the playlist does not start with #EXTM3U; read as an IPTV list anyway"));
  }

  @Test
  void parse_headerAttributes_keepOrderAndCaseButLookUpIgnoringCase() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U x-tvg-url="http://a/1.xml.gz, http://a/2.xml.gz" URL-TVG="http://b/3.xml" tvg-shift=2 catchup="append" catchup-days="7"
        #EXTINF:-1,A
        http://x/a
        """);

    assertThat(p.header()).containsExactly(entry("x-tvg-url", "http://a/1.xml.gz, http://a/2.xml.gz"),
        entry("URL-TVG", "http://b/3.xml"), entry("tvg-shift", "2"), entry("catchup", "append"),
        entry("catchup-days", "7"));
    assertThat(p.header("url-tvg")).hasValue("http://b/3.xml");
    assertThat(p.header("X-TVG-URL")).hasValue("http://a/1.xml.gz, http://a/2.xml.gz");
    assertThat(p.header("missing")).isEmpty();
    assertThat(p.guideUrls()).containsExactly("http://a/1.xml.gz", "http://a/2.xml.gz", "http://b/3.xml");
  }

  @Test
  void parse_withRepeatedHeader_mergesAttributesAndWarns() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U x-tvg-url="a"
        #EXTINF:-1,A
        http://x/a
        #EXTM3U X-TVG-URL="b" tvg-shift="1"
        #EXTINF:-1,B
        http://x/b
        """);

    assertThat(p.header()).containsExactly(entry("x-tvg-url", "a"), entry("tvg-shift", "1"));
    assertThat(p.entries()).hasSize(2);
    assertThat(p.warnings()).extracting(ParseWarning::line).containsExactly(4, 4);
  }

  @Test
  void parse_withTruncatedExtinf_warnsNamingLastLine() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1,A\nhttp://x/a\n#EXTIN");

    assertThat(p.entries()).hasSize(1);
    assertThat(p.trailingLines()).containsExactly("#EXTIN");
    assertThat(p.warnings()).first().satisfies(w -> {
      assertThat(w.line()).isEqualTo(4);
      assertThat(w.message()).contains("cut off").contains("#EXTIN");
    });
  }

  @Test
  void parse_withTruncatedAttributeList_warnsAndDropsEntry() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1,A\nhttp://x/a\n#EXTINF:-1 tvg-id=\"LenTV24.ru\" sta");

    assertThat(p.entries()).hasSize(1);
    assertThat(p.warnings()).extracting(ParseWarning::line).containsOnly(4);
    assertThat(p.warnings()).extracting(ParseWarning::message).anySatisfy(m -> assertThat(m).contains("cut off"))
        .anySatisfy(m -> assertThat(m).contains("without a URL"));
  }

  @Test
  void parse_withTruncatedUrl_keepsEntryAndWarns() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1,A\nhttps://vs-cmaf-pushb-uk.live.fastly.md.bbci.co.uk/x=3/ip");

    assertThat(only(p).url()).isEqualTo("https://vs-cmaf-pushb-uk.live.fastly.md.bbci.co.uk/x=3/ip");
    assertThat(p.warnings()).singleElement().satisfies(w -> assertThat(w.line()).isEqualTo(3));
  }

  @Test
  void parse_inStrictMode_throwsOnFirstWarning() {
    assertThatThrownBy(() -> parse("#EXTM3U\n#EXTINF:-1,A\n#EXTINF:-1,B\nhttp://x/b\n", ParseOptions.DEFAULTS.withStrict(true)))
        .isInstanceOf(PlaylistParseException.class)
        .hasMessage("line 2: #EXTINF without a URL after it; entry dropped")
        .satisfies(e -> assertThat(((PlaylistParseException) e).line()).isEqualTo(2));
  }

  @Test
  void parse_inStrictMode_acceptsCleanPlaylist() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1 tvg-id=\"a\",A\n#EXTVLCOPT:http-user-agent=x\nhttp://x/a\n",
        ParseOptions.DEFAULTS.withStrict(true));

    assertThat(p.entries()).hasSize(1);
  }

  @Test
  void parse_withBaseUri_resolvesRelativeUrlsOnly() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U
        #EXTINF:-1,Relative
        live/one.m3u8
        #EXTINF:-1,Root relative
        /two.m3u8|User-Agent=x
        #EXTINF:-1,Absolute
        rtmp://other/three
        #EXTINF:-1,Spaces
        my channel/4.ts
        """, ParseOptions.DEFAULTS.withBaseUri(URI.create("https://lists.example/iptv/all.m3u")));

    assertThat(p.entries()).extracting(IptvPlaylist.Entry::url)
        .containsExactly("live/one.m3u8", "/two.m3u8|User-Agent=x", "rtmp://other/three", "my channel/4.ts");
    assertThat(p.entries()).extracting(IptvPlaylist.Entry::resolvedUrl).containsExactly(
        "https://lists.example/iptv/live/one.m3u8", "https://lists.example/two.m3u8", "rtmp://other/three",
        "https://lists.example/iptv/my%20channel/4.ts");
    assertThat(p.entries().get(0).uri()).hasValue(URI.create("https://lists.example/iptv/live/one.m3u8"));
  }

  @Test
  void parse_withBaseUriWithoutPath_resolvesBelowRoot() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1,A\na.m3u8\n",
        ParseOptions.DEFAULTS.withBaseUri(URI.create("http://host")));

    assertThat(only(p).resolvedUrl()).isEqualTo("http://host/a.m3u8");
  }

  @Test
  void parse_withoutBaseUri_leavesRelativeUrlAsWritten() throws Exception {
    assertThat(only(parse("#EXTM3U\n#EXTINF:-1,A\nlive/a.m3u8\n")).resolvedUrl()).isEqualTo("live/a.m3u8");
  }

  @Test
  void parse_durations_keepWhatWasWritten() throws Exception {
    IptvPlaylist p = parse("""
        #EXTM3U
        #EXTINF:40,Forty
        http://x/1
        #EXTINF:9.50 tvg-id="x",Fraction
        http://x/2
        #EXTINF:0,Zero
        http://x/3
        #EXTINF:tvg-id="no-duration",None
        http://x/4
        #EXTINF:abc,Bad
        http://x/5
        #EXTINF:1e999999999,Exponent
        http://x/6
        """);

    assertThat(p.entries()).extracting(e -> e.duration().toPlainString())
        .containsExactly("40", "9.50", "0", "-1", "-1", "-1");
    assertThat(p.entries().get(3).attributes()).containsExactly(entry("tvg-id", "no-duration"));
    assertThat(p.warnings()).extracting(ParseWarning::line).containsExactly(8, 10, 12);
  }

  @Test
  void parse_withDuplicateAttribute_keepsFirstAndWarns() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1 tvg-id=\"a\" TVG-ID=\"b\",A\nhttp://x/a\n");

    assertThat(only(p).attributes()).containsExactly(entry("tvg-id", "a"));
    assertThat(p.warnings()).singleElement().extracting(ParseWarning::line).isEqualTo(2);
  }

  @Test
  void parse_withDuplicateOption_keepsFirstAndTheLineAsWritten() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1,A\n#EXTVLCOPT:http-user-agent=one\n#EXTVLCOPT:http-user-agent=two\nhttp://x/a\n");

    IptvPlaylist.Entry e = only(p);
    assertThat(e.vlcOptions()).containsExactly(entry("http-user-agent", "one"));
    assertThat(e.extraLines()).containsExactly("#EXTVLCOPT:http-user-agent=two");
    assertThat(e.headers()).containsEntry("User-Agent", "one");
    assertThat(p.warnings()).singleElement().extracting(ParseWarning::line).isEqualTo(4);
  }

  @Test
  void parse_withUnterminatedQuote_endsValueAtComma() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1 tvg-id=\"a\" tvg-name=\"Broken,Title here\nhttp://x/a\n");

    IptvPlaylist.Entry e = only(p);
    assertThat(e.attributes()).containsExactly(entry("tvg-id", "a"), entry("tvg-name", "Broken"));
    assertThat(e.title()).isEqualTo("Title here");
    assertThat(p.warnings()).singleElement().extracting(ParseWarning::line).isEqualTo(2);
  }

  @Test
  void parse_withAttributesRunTogether_readsEach() throws Exception {
    IptvPlaylist.Entry e = only(parse("#EXTM3U\n#EXTINF:-1 tvg-id=\"a\"tvg-name=\"b\"\tgroup-title=\"c\",T\nhttp://x/a\n"));

    assertThat(e.attributes()).containsExactly(entry("tvg-id", "a"), entry("tvg-name", "b"), entry("group-title", "c"));
  }

  @Test
  void parse_withWordsWithoutValues_ignoresThemWithWarning() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1 radio tvg-id=\"a\",T\nhttp://x/a\n");

    assertThat(only(p).attributes()).containsExactly(entry("tvg-id", "a"));
    assertThat(p.warnings()).singleElement().extracting(ParseWarning::message).asString().contains("radio");
  }

  @Test
  void parse_withoutComma_warnsAndLeavesTitleEmpty() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1 tvg-id=\"a\"\nhttp://x/a\n");

    assertThat(only(p).title()).isEmpty();
    assertThat(only(p).attributes()).containsExactly(entry("tvg-id", "a"));
    assertThat(p.warnings()).extracting(ParseWarning::line).containsExactly(2);
  }

  @Test
  void parse_withLinesAfterLastEntry_keepsThemAsTrailingLines() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1,A\nhttp://x/a\n# end of list\n#EXTVLCOPT:orphan=1\n");

    assertThat(only(p).extraLines()).isEmpty();
    assertThat(p.trailingLines()).containsExactly("# end of list", "#EXTVLCOPT:orphan=1");
  }

  @Test
  void parse_withMalformedExthttp_warnsAndKeepsLine() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n#EXTINF:-1,A\n#EXTHTTP:{not json\nhttp://x/a\n");

    assertThat(only(p).extraLines()).containsExactly("#EXTHTTP:{not json");
    assertThat(only(p).headers()).isEmpty();
    assertThat(p.warnings()).extracting(ParseWarning::line).containsExactly(3);
  }

  @Test
  void parse_emptyInput_givesEmptyPlaylistWithWarning() throws Exception {
    IptvPlaylist p = parse("");

    assertThat(p.entries()).isEmpty();
    assertThat(p.warnings()).containsExactly(new ParseWarning(0, "the input is empty"));
  }

  @Test
  void parse_headerOnly_givesEmptyPlaylistWithoutWarning() throws Exception {
    IptvPlaylist p = parse("#EXTM3U\n");

    assertThat(p.entries()).isEmpty();
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void parse_fromUtf8Bytes_replacesMalformedBytes() throws Exception {
    byte[] bytes = "#EXTM3U\n#EXTINF:-1,Punktum S\u00FCdharz\nhttp://x/a\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    Playlist p = Playlists.parse(new java.io.ByteArrayInputStream(bytes), ParseOptions.DEFAULTS);

    assertThat(((IptvPlaylist) p).entries().get(0).title()).isEqualTo("Punktum S\uFFFDdharz");
  }

  @Test
  void parse_withManyAttributes_keepsOrderAndFindsEach() throws Exception {
    StringBuilder line = new StringBuilder("#EXTM3U\n#EXTINF:-1");
    for (int i = 0; i < 40; i++) {
      line.append(" x-").append(i).append("=\"v").append(i).append('"');
    }
    line.append(" X-7=\"dup\",T\nhttp://x/a\n");

    IptvPlaylist p = parse(line.toString());

    IptvPlaylist.Entry e = only(p);
    assertThat(e.attributes()).hasSize(40);
    assertThat(e.attributes().keySet()).first().isEqualTo("x-0");
    assertThat(e.attributes().keySet()).last().isEqualTo("x-39");
    assertThat(e.attribute("x-33")).hasValue("v33");
    assertThat(e.attribute("X-7")).hasValue("v7");
    assertThat(e.attributes()).doesNotContainKey("x-40");
    assertThat(p.warnings()).singleElement().extracting(ParseWarning::message).asString().contains("x-7");
  }

  @Test
  void parse_withManyDistinctRepeatedValueKeys_keepsEveryValue() throws Exception {
    StringBuilder text = new StringBuilder("#EXTM3U\n");
    for (int i = 0; i < 10_000; i++) {
      text.append("#EXTINF:-1 group-title=\"Group ").append(i % 5000).append("\" tvg-country=\"C")
          .append(i % 3).append("\",Channel ").append(i).append("\nhttp://x/").append(i).append('\n');
    }

    IptvPlaylist p = parse(text.toString());

    assertThat(p.entries()).hasSize(10_000);
    for (int i = 0; i < 10_000; i++) {
      IptvPlaylist.Entry e = p.entries().get(i);
      assertThat(e.group()).isEqualTo("Group " + (i % 5000));
      assertThat(e.attribute("tvg-country")).hasValue("C" + (i % 3));
    }
    assertThat(p.entries().get(0).attributes().get("tvg-country"))
        .isSameAs(p.entries().get(3).attributes().get("tvg-country"));
  }

  @Test
  void iptvPlaylistParse_withHlsOnlyTags_readsIptvWithoutSniffing() throws Exception {
    String text = "#EXTM3U\n#EXTINF:4.0,\n#EXT-X-PART:DURATION=1,URI=\"p.mp4\"\nseg.mp4\n";

    IptvPlaylist p = IptvPlaylist.parse(text, ParseOptions.DEFAULTS);

    assertThat(only(p).extraLines()).containsExactly("#EXT-X-PART:DURATION=1,URI=\"p.mp4\"");
    assertThat(only(p).url()).isEqualTo("seg.mp4");
    assertThat(IptvPlaylist.parse(new java.io.StringReader(text), ParseOptions.DEFAULTS)).isEqualTo(p);
  }

  @Test
  void entry_of_buildsLiveEntry() {
    IptvPlaylist.Entry e = IptvPlaylist.Entry.of("News", "http://x/news");

    assertThat(e.live()).isTrue();
    assertThat(e.resolvedUrl()).isEqualTo("http://x/news");
    assertThat(e.headers()).isEmpty();
    assertThat(e.withLine(7).line()).isEqualTo(7);
  }

  @Test
  void entry_collections_areImmutableCopies() {
    var attributes = new java.util.LinkedHashMap<String, String>();
    attributes.put("tvg-id", "a");
    var extra = new java.util.ArrayList<String>(List.of("#X"));
    IptvPlaylist.Entry e = new IptvPlaylist.Entry("T", "u", "u", IptvPlaylist.Entry.LIVE, attributes, "",
        java.util.Map.of(), java.util.Map.of(), extra, 1);
    attributes.put("tvg-name", "b");
    extra.add("#Y");

    assertThat(e.attributes()).containsExactly(entry("tvg-id", "a"));
    assertThat(e.extraLines()).containsExactly("#X");
    assertThatThrownBy(() -> e.attributes().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(e.attributes()).isEqualTo(java.util.Map.of("tvg-id", "a"));
    assertThat(e.attributes().hashCode()).isEqualTo(java.util.Map.of("tvg-id", "a").hashCode());
  }
}
