package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XmltvParserTest {

  static final Instant NOW = Instant.parse("2026-11-21T12:10:00Z");

  static final String GUIDE = """
      <?xml version="1.0" encoding="UTF-8"?>
      <!DOCTYPE tv SYSTEM "xmltv.dtd">
      <tv>
        <channel id="BBCOne.uk"><display-name lang="en">BBC One</display-name><icon src="https://l.example/bbc.png"/></channel>
        <channel id="tf1.fr"><display-name>Télé Française 1</display-name><display-name>TF1</display-name></channel>
        <channel id="cctv1.cn"><display-name>ＣＣＴＶ－１ 综合</display-name></channel>
        <programme start="20261121110000 +0000" stop="20261121120000 +0000" channel="BBCOne.uk"><title>Earlier</title></programme>
        <programme start="20261121120000 +0000" stop="20261121130000 +0000" channel="BBCOne.uk">
          <title lang="en">News &amp; Weather</title><sub-title>Midday</sub-title>
          <desc>The news.</desc><category>News</category><category>Weather</category>
        </programme>
        <programme start="20261121140000 +0100" stop="20261121150000 +0100" channel="BBCOne.uk"><title>Next up</title></programme>
        <programme start="20261121120500" stop="20261121125500" channel="tf1.fr"><title><![CDATA[Le Journal]]></title></programme>
        <programme start="20261121130000 +0000" channel="tf1.fr"><title>Open-ended</title></programme>
        <programme start="20261121140000 +0000" stop="20261121150000 +0000" channel="tf1.fr"><title>After</title></programme>
        <programme start="20261101000000 +0000" stop="20261101010000 +0000" channel="tf1.fr"><title>Too old</title></programme>
        <programme start="20261201000000 +0000" stop="20261201010000 +0000" channel="tf1.fr"><title>Too far</title></programme>
        <programme start="garbage" stop="20261121130000 +0000" channel="tf1.fr"><title>Bad time</title></programme>
        <programme start="20261121120000 +0000" stop="20261121130000 +0000" channel="cctv1.cn"><title>新闻联播</title></programme>
      </tv>
      """;

  private static Epg parse(String xml) throws Exception {
    return parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static Epg parse(InputStream in) throws Exception {
    Epg.Builder b = Epg.builder();
    XmltvParser.around(NOW).parse(in, "test.xml", b);
    return b.build();
  }

  @Test
  void parse_guide_keepsChannelsAndProgrammesInTheWindow() throws Exception {
    Epg.Builder b = Epg.builder();
    XmltvParser.Stats stats = XmltvParser.around(NOW).parse(new ByteArrayInputStream(GUIDE.getBytes(StandardCharsets.UTF_8)), "t", b);
    Epg epg = b.build();
    assertThat(stats.channels()).isEqualTo(3);
    assertThat(stats.programmes()).isEqualTo(10);
    assertThat(stats.skipped()).isEqualTo(1);
    assertThat(epg.programmes("tf1.fr")).extracting(EpgProgramme::title).containsExactly("Le Journal", "Open-ended", "After");
    EpgProgramme news = epg.programmes("BBCOne.uk").get(1);
    assertThat(news.title()).isEqualTo("News & Weather");
    assertThat(news.subTitle()).contains("Midday");
    assertThat(news.description()).contains("The news.");
    assertThat(news.categories()).containsExactly("News", "Weather");
    assertThat(epg.channel("BBCOne.uk").orElseThrow().icon()).contains("https://l.example/bbc.png");
    // +0100 is an offset: 14:00 +0100 is 13:00 UTC.
    assertThat(epg.programmes("BBCOne.uk").get(2).start()).isEqualTo(Instant.parse("2026-11-21T13:00:00Z"));
  }

  @Test
  void nowNext_givesTheRunningAndTheFollowingProgramme() throws Exception {
    Epg epg = parse(GUIDE);
    Epg.NowNext bbc = epg.nowNext("BBCOne.uk", NOW);
    assertThat(bbc.now().orElseThrow().title()).isEqualTo("News & Weather");
    assertThat(bbc.next().orElseThrow().title()).isEqualTo("Next up");
    // A missing stop becomes the next start.
    Epg.NowNext tf1 = epg.nowNext("tf1.fr", Instant.parse("2026-11-21T13:30:00Z"));
    assertThat(tf1.now().orElseThrow().title()).isEqualTo("Open-ended");
    assertThat(tf1.now().orElseThrow().stop()).contains(Instant.parse("2026-11-21T14:00:00Z"));
    // A gap: nothing now, something next.
    Epg.NowNext gap = epg.nowNext("tf1.fr", Instant.parse("2026-11-21T12:00:00Z"));
    assertThat(gap.now()).isEmpty();
    assertThat(gap.next().orElseThrow().title()).isEqualTo("Le Journal");
    assertThat(epg.nowNext("unknown", NOW)).isEqualTo(new Epg.NowNext(java.util.Optional.empty(), java.util.Optional.empty()));
  }

  @Test
  void match_byTvgIdFirstThenByNormalisedDisplayName() throws Exception {
    Epg epg = parse(GUIDE);
    assertThat(epg.match("BBCOne.uk", "whatever")).contains("BBCOne.uk");
    assertThat(epg.match("bbcone.UK", null)).contains("BBCOne.uk");
    assertThat(epg.match("", "bbc one")).contains("BBCOne.uk");
    assertThat(epg.match("missing.id", "TELE francaise-1")).contains("tf1.fr");
    assertThat(epg.match(null, "tf1")).contains("tf1.fr");
    // Width-insensitive: full-width letters in the guide match ASCII in the playlist.
    assertThat(epg.match(null, "CCTV-1 综合")).contains("cctv1.cn");
    assertThat(epg.match("nope", "Nope TV")).isEmpty();
  }

  @Test
  void parse_gzippedGuide_isDetectedByMagicBytes(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(GUIDE.getBytes(StandardCharsets.UTF_8));
    }
    Path file = dir.resolve("guide.xml.gz");
    Files.write(file, bytes.toByteArray());
    EpgSources.Loaded loaded = EpgSources.load(List.of(file.toString()), XmltvParser.around(NOW), null, EpgSources.DEFAULT_MAX_DOWNLOAD_BYTES);
    assertThat(loaded.failures()).isEmpty();
    assertThat(loaded.epg().programmeCount()).isEqualTo(7);
  }

  static final String BILLION_LAUGHS = """
      <?xml version="1.0"?>
      <!DOCTYPE tv [
        <!ENTITY lol "lol">
        <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
        <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
        <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
        <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
        <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
        <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
      ]>
      <tv><programme start="20261121120000 +0000" channel="a"><title>&lol9;</title></programme></tv>
      """;

  @Test
  void parse_billionLaughs_isRefusedNamingTheSource() {
    assertThatThrownBy(() -> XmltvParser.around(NOW).parse(
        new ByteArrayInputStream(BILLION_LAUGHS.getBytes(StandardCharsets.UTF_8)), "https://evil.example/guide.xml", Epg.builder()))
        .isInstanceOf(XmltvException.class)
        .hasMessageStartingWith("https://evil.example/guide.xml: ")
        .hasMessageContaining("refuses DTD entity declarations");
  }

  @Test
  void parse_externalEntity_isRefusedAndNothingLeaks(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET-CONTENT");
    for (String xxe : List.of(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tv [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
            + "<tv><channel id=\"a\"><display-name>&xxe;</display-name></channel></tv>",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tv [ <!ENTITY xxe SYSTEM \"" + secret.toUri() + "\"> ]>\n"
            + "<tv><channel id=\"a\"><display-name>&xxe;</display-name></channel></tv>",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tv [ <!ENTITY % p SYSTEM \"" + secret.toUri() + "\"> %p; ]>\n<tv/>")) {
      Epg.Builder b = Epg.builder();
      assertThatThrownBy(() -> XmltvParser.around(NOW).parse(new ByteArrayInputStream(xxe.getBytes(StandardCharsets.UTF_8)), "xxe.xml", b))
          .isInstanceOf(XmltvException.class)
          .hasMessageStartingWith("xxe.xml: ")
          .hasMessageNotContaining("root:")
          .hasMessageNotContaining("TOP-SECRET");
      assertThat(b.build().channels()).allSatisfy(c -> assertThat(c.displayNames().toString()).doesNotContain("root:", "TOP-SECRET"));
    }
  }

  @Test
  void parse_undeclaredEntity_isAnErrorNotAFetch() {
    String xml = "<tv><channel id=\"a\"><display-name>&nbsp;</display-name></channel></tv>";
    assertThatThrownBy(() -> parse(xml)).isInstanceOf(XmltvException.class).hasMessageStartingWith("test.xml: ");
  }

  @Test
  void parse_notXmltv_saysSo() {
    assertThatThrownBy(() -> parse("<html><body>hi</body></html>")).isInstanceOf(XmltvException.class)
        .hasMessageContaining("not an XMLTV guide");
    assertThatThrownBy(() -> parse("hello")).isInstanceOf(XmltvException.class).hasMessageContaining("test.xml");
    assertThatThrownBy(() -> parse("")).isInstanceOf(XmltvException.class);
  }

  @Test
  void parse_overTheSizeLimit_fails() {
    assertThatThrownBy(() -> XmltvParser.create(NOW.minusSeconds(10), NOW.plusSeconds(10), 100)
        .parse(new ByteArrayInputStream(GUIDE.getBytes(StandardCharsets.UTF_8)), "big.xml", Epg.builder()))
        .isInstanceOf(IOException.class).hasMessageContaining("big.xml").hasMessageContaining("limit");
  }

  @Test
  void time_readsXmltvFormats() {
    assertThat(XmltvParser.time("20261121120000 +0000")).isEqualTo(Instant.parse("2026-11-21T12:00:00Z"));
    assertThat(XmltvParser.time("20261121120000 -0130")).isEqualTo(Instant.parse("2026-11-21T13:30:00Z"));
    assertThat(XmltvParser.time("202611211200")).isEqualTo(Instant.parse("2026-11-21T12:00:00Z"));
    assertThat(XmltvParser.time("20261121")).isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
    assertThat(XmltvParser.time("20261121120000 UTC")).isEqualTo(Instant.parse("2026-11-21T12:00:00Z"));
    assertThat(XmltvParser.time("20261341120000 +0000")).isNull();
    assertThat(XmltvParser.time("2026112112 +00")).isNull();
    assertThat(XmltvParser.time("")).isNull();
  }
}
