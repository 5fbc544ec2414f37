package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link XmltvWriter} writes, {@link XmltvParser} (hardened StAX) reads back unchanged, whatever the text holds. */
class XmltvWriterTest {

  static final Instant START = Instant.parse("2026-11-21T12:00:00Z");

  static String write(List<XmltvWriter.Channel> channels, Epg epg) throws Exception {
    StringWriter out = new StringWriter();
    XmltvWriter.write(out, channels, epg, "Kanal");
    return out.toString();
  }

  static Epg read(String xml) throws Exception {
    Epg.Builder b = Epg.builder();
    XmltvParser.around(START).parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "test", b);
    return b.build();
  }

  @Test
  void write_escapesMarkup_dropsWhatXmlForbids_andReadsBack() throws Exception {
    String title = "Tom & Jerry <\"live\"> 'n' \uD83D\uDCFA";
    String hostile = "bell\u0007 nul\u0000 lone\uD800 surrogate \uFFFE end";
    Epg epg = Epg.builder()
        .channel(new XmltvChannel("g", List.of("G"), Optional.empty()))
        .programme(new EpgProgramme("g", START, Optional.of(START.plusSeconds(3600)), title, Optional.of(hostile),
            Optional.of("line one\nline two\ttab"), List.of("News & Weather")))
        .programme(new EpgProgramme("g", START.plusSeconds(3600), Optional.empty(), "Open end", Optional.empty(),
            Optional.empty(), List.of()))
        .build();
    String id = "id\"with<odd>&chars\nnewline";
    String xml = write(List.of(new XmltvWriter.Channel(id, List.of("Name \"1\" & <2>", "7"),
        Optional.of("http://logo/?a=1&b=\"2\""), Optional.of("g"))), epg);

    assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tv generator-info-name=\"Kanal\">\n")
        .contains("start=\"20261121120000 +0000\" stop=\"20261121130000 +0000\"")
        .doesNotContain("\u0007").doesNotContain("\u0000").doesNotContain("\uFFFE");
    Epg back = read(xml);
    XmltvChannel channel = back.channels().iterator().next();
    assertThat(channel.id()).isEqualTo(id);
    assertThat(channel.displayNames()).containsExactly("Name \"1\" & <2>", "7");
    assertThat(channel.icon()).hasValue("http://logo/?a=1&b=\"2\"");
    List<EpgProgramme> programmes = back.programmes(id);
    assertThat(programmes).hasSize(2);
    assertThat(programmes.get(0).title()).isEqualTo(title);
    assertThat(programmes.get(0).subTitle()).hasValue("bell nul lone surrogate  end");
    assertThat(programmes.get(0).description()).hasValue("line one\nline two\ttab");
    assertThat(programmes.get(0).categories()).containsExactly("News & Weather");
    assertThat(programmes.get(1).start()).isEqualTo(START.plusSeconds(3600));
  }

  @Test
  void write_channelWithoutGuide_hasNoProgrammes_andOtherGuideChannelsAreLeftOut() throws Exception {
    Epg epg = Epg.builder()
        .programme(new EpgProgramme("other", START, Optional.of(START.plusSeconds(60)), "Elsewhere", Optional.empty(),
            Optional.empty(), List.of()))
        .build();
    String xml = write(List.of(new XmltvWriter.Channel("a", List.of("A"), Optional.empty(), Optional.empty())), epg);
    assertThat(xml).doesNotContain("Elsewhere").doesNotContain("<programme");
    assertThat(read(xml).channels()).extracting(XmltvChannel::id).containsExactly("a");
  }

  @Test
  void time_isXmltvsFormatInUtc() {
    assertThat(XmltvWriter.time(Instant.parse("2026-01-02T03:04:05.678Z"))).isEqualTo("20260102030405 +0000");
  }
}
