package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.kanal.testing.Corpus;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real-world lists of the shared corpus. The expected numbers were counted independently of
 * the parser (grep and a Python script over the files, see the corpus README for which are cut).
 */
class IptvCorpusTest {

  static IptvPlaylist parse(String file) throws IOException, PlaylistParseException {
    try (InputStream in = Files.newInputStream(Corpus.file(file))) {
      Playlist playlist = Playlists.parse(in, ParseOptions.DEFAULTS);
      assertThat(playlist.kind()).as(file).isEqualTo("iptv");
      return (IptvPlaylist) playlist;
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # file                          | entries | lines | unterminated | User-Agent | Referer | geo | not 24/7 | quality
      iptv-org/ar.m3u                 |      82 |   170 | false |          5 |       0 |   4 |       56 |      82
      iptv-org/br.m3u                 |     107 |   220 | true  |          4 |       0 |  13 |       23 |     101
      iptv-org/cn.m3u                 |     105 |   212 | true  |          0 |       0 |   0 |       12 |     105
      iptv-org/de.m3u                 |     202 |   406 | false |          1 |       0 |  14 |       57 |     177
      iptv-org/fr.m3u                 |     135 |   271 | false |          0 |       0 |   7 |       17 |      69
      iptv-org/in.m3u                 |     160 |   325 | false |          2 |       2 |  10 |       95 |     144
      iptv-org/jp.m3u                 |     103 |   209 | false |          2 |       0 |   2 |       72 |      97
      iptv-org/ru.m3u                 |      99 |   214 | true  |         14 |       0 |  21 |       31 |      98
      iptv-org/uk.m3u                 |      79 |   159 | true  |          0 |       0 |  55 |        5 |      78
      iptv-org/us.m3u                 |     104 |   211 | true  |          1 |       0 |   3 |       24 |     100
      iptv-org/M3u.txt                |      32 |    64 | false |          0 |       0 |   0 |        0 |       0
      iptv-org/MongolianTVHD (1).m3u8 |      71 |   214 | true  |          0 |       0 |   0 |        0 |       0
      free-tv/playlist.m3u8           |    2059 |  4119 | false |          0 |       0 | 188 |        0 |       6
      """)
  void parse_corpusFile_givesExpectedEntries(String file, int entries, int lines, boolean unterminated, int userAgents,
      int referers, int geo, int not24x7, int quality) throws Exception {
    IptvPlaylist p = parse(file);

    assertThat(p.entries()).hasSize(entries);
    assertThat(p.entries()).filteredOn(e -> e.headers().containsKey("User-Agent")).hasSize(userAgents);
    assertThat(p.entries()).filteredOn(e -> e.headers().containsKey("Referer")).hasSize(referers);
    assertThat(p.entries()).filteredOn(IptvPlaylist.Entry::geoBlocked).hasSize(geo);
    assertThat(p.entries()).filteredOn(IptvPlaylist.Entry::not24x7).hasSize(not24x7);
    assertThat(p.entries()).filteredOn(e -> e.quality().isPresent()).hasSize(quality);
    assertThat(p.entries()).allSatisfy(e -> {
      assertThat(e.url()).isNotBlank();
      assertThat(e.line()).isBetween(1, lines);
      assertThat(e.name()).isNotBlank();
    });
    assertThat(p.entries()).extracting(IptvPlaylist.Entry::line).isSorted().doesNotHaveDuplicates();
    if (unterminated) {
      assertThat(p.warnings()).as("a warning naming the last line")
          .anySatisfy(w -> {
            assertThat(w.line()).isEqualTo(lines);
            assertThat(w.message()).contains("cut off");
          });
    } else {
      assertThat(p.warnings()).as("only M3u.txt's missing header").hasSizeLessThanOrEqualTo(1)
          .allSatisfy(w -> assertThat(w.line()).isEqualTo(1));
    }
  }

  @Test
  void parse_cnM3u_readsCjkTitles() throws Exception {
    IptvPlaylist p = parse("iptv-org/cn.m3u");

    IptvPlaylist.Entry first = p.entries().get(0);
    assertThat(first.title()).isEqualTo("CCTV-1综合 (1080p)");
    assertThat(first.name()).isEqualTo("CCTV-1综合");
    assertThat(first.quality()).hasValue("1080p");
    assertThat(first.attributes()).containsExactly(entry("tvg-id", "CCTV1.cn"), entry("status", "online"));
    assertThat(first.line()).isEqualTo(2);
    IptvPlaylist.Entry fourth = p.entries().get(3);
    assertThat(fourth.title()).isEqualTo("CCTV-1综合 (1080p) [Not 24/7]");
    assertThat(fourth.not24x7()).isTrue();
    assertThat(fourth.url()).isEqualTo("http://112.25.48.68/live/program/live/cctv1hd/4000000/mnf.m3u8");
    IptvPlaylist.Entry last = p.entries().get(104);
    assertThat(last.title()).isEqualTo("CCTV-7国防军事 (1080p)");
    assertThat(p.warnings()).extracting(ParseWarning::line).containsOnly(212);
  }

  @Test
  void parse_ruM3u_readsCyrillicTitlesAndUserAgents() throws Exception {
    IptvPlaylist p = parse("iptv-org/ru.m3u");

    IptvPlaylist.Entry fifth = p.entries().stream().filter(e -> e.attributes().get("tvg-id").equals("5Kanal.ru"))
        .findFirst().orElseThrow();
    assertThat(fifth.title()).isEqualTo("Пятый Канал (540p) [Geo-blocked]");
    assertThat(fifth.name()).isEqualTo("Пятый Канал");
    assertThat(fifth.geoBlocked()).isTrue();
    String agent = "Mozilla/5.0 (X11; Linux aarch64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.84 "
        + "Safari/537.36 CrKey/1.21a.76178";
    assertThat(fifth.vlcOptions()).containsExactly(entry("http-user-agent", agent));
    assertThat(fifth.attribute("user-agent")).hasValue(agent);
    assertThat(fifth.headers()).containsExactly(entry("User-Agent", agent));
    assertThat(fifth.line()).isEqualTo(6);
    assertThat(p.entries().get(98).title()).isEqualTo("ЛДПР ТВ (480p)");
    assertThat(p.warnings()).extracting(ParseWarning::line).containsOnly(214);
  }

  @Test
  void parse_arM3u_readsUserAgentFromVlcOption() throws Exception {
    IptvPlaylist.Entry a24 = parse("iptv-org/ar.m3u").entries().stream()
        .filter(e -> e.attributes().get("tvg-id").equals("A24.ar")).findFirst().orElseThrow();

    assertThat(a24.title()).isEqualTo("A24 (720p)");
    assertThat(a24.vlcOptions()).containsExactly(entry("http-user-agent", "iPhone"));
    assertThat(a24.headers()).containsExactly(entry("User-Agent", "iPhone"));
    assertThat(a24.url()).isEqualTo("https://g1.vxral-hor.transport.edge-access.net/a15/ngrp:a24-100056_all/a24-100056.m3u8");
    assertThat(a24.line()).isEqualTo(10);
  }

  @Test
  void parse_inM3u_readsRefererFromVlcOption() throws Exception {
    IptvPlaylist.Entry dd = parse("iptv-org/in.m3u").entries().stream()
        .filter(e -> e.line() == 56).findFirst().orElseThrow();

    assertThat(dd.attribute("tvg-id")).hasValue("DDNews.in");
    assertThat(dd.headers()).containsExactly(entry("Referer", "https://webcast.gov.in/"));
    assertThat(dd.url()).isEqualTo("https://playhls.media.nic.in/hls/live/ddnews/ddnews.m3u8");
    assertThat(dd.not24x7()).isTrue();
    assertThat(dd.quality()).hasValue("576p");
  }

  @Test
  void parse_jpM3u_readsSpaceBeforeCommaAndMpd() throws Exception {
    IptvPlaylist p = parse("iptv-org/jp.m3u");

    IptvPlaylist.Entry nhk = p.entries().stream().filter(e -> e.title().startsWith("NHK World Japan"))
        .findFirst().orElseThrow();
    assertThat(nhk.title()).isEqualTo("NHK World Japan (720p) [Not 24/7]");
    assertThat(nhk.attributes()).containsExactly(entry("tvg-id", "NHKWorldJapan.jp"));
    assertThat(p.entries()).filteredOn(e -> e.url().endsWith(".mpd")).singleElement()
        .satisfies(e -> assertThat(e.attribute("tvg-id")).hasValue("WakuWakuJapan.jp"));
    assertThat(p.entries()).anySatisfy(e -> assertThat(e.title()).isEqualTo("Weather Channel (ウェザーニュース) (BS | WNI) (720p)"));
  }

  @Test
  void parse_deM3u_keepsReplacementCharacter() throws Exception {
    assertThat(parse("iptv-org/de.m3u").entries())
        .anySatisfy(e -> assertThat(e.name()).isEqualTo("Punktum S\uFFFDdharz"));
  }

  @Test
  void parse_ukM3u_keepsCutUrlOfLastEntry() throws Exception {
    IptvPlaylist p = parse("iptv-org/uk.m3u");

    IptvPlaylist.Entry last = p.entries().get(78);
    assertThat(last.title()).isEqualTo("BBC Three HD (720p) [Geo-blocked]");
    assertThat(last.url()).endsWith(":bbc_three_hd/ip");
    assertThat(p.warnings()).singleElement().satisfies(w -> assertThat(w.line()).isEqualTo(159));
  }

  @Test
  void parse_brM3u_keepsCutTagAsTrailingLine() throws Exception {
    IptvPlaylist p = parse("iptv-org/br.m3u");

    assertThat(p.trailingLines()).containsExactly("#EXTIN");
    assertThat(p.warnings()).singleElement().satisfies(w -> {
      assertThat(w.line()).isEqualTo(220);
      assertThat(w.message()).contains("(#EXTIN)");
    });
  }

  @Test
  void parse_mongolianCrlfWithoutFinalNewline_readsDurationsAndOptions() throws Exception {
    IptvPlaylist p = parse("iptv-org/MongolianTVHD (1).m3u8");

    IptvPlaylist.Entry first = p.entries().get(0);
    assertThat(first.title()).isEqualTo("MNB HD");
    assertThat(first.duration()).isEqualTo(new BigDecimal("40"));
    assertThat(first.url()).isEqualTo("https://cdn3.skygo.mn/live/disk1/MNB/HLS-FTA/MNB.m3u8");
    assertThat(p.entries()).allSatisfy(e -> {
      assertThat(e.live()).isFalse();
      assertThat(e.vlcOptions()).containsExactly(entry("network-caching", "1000"));
      assertThat(e.headers()).isEmpty();
      assertThat(e.url()).doesNotContain("\r");
    });
    IptvPlaylist.Entry last = p.entries().get(70);
    assertThat(last.title()).isEqualTo("NHK World Premium (Japan)");
    assertThat(last.duration()).isEqualTo(new BigDecimal("50"));
    assertThat(last.url()).isEqualTo("https://cdn1.skygo.mn/live/disk1/NHK_World_Premium/HLS-FTA/NHK_World_Premium.m3u8");
    assertThat(p.warnings()).singleElement().satisfies(w -> assertThat(w.line()).isEqualTo(214));
  }

  @Test
  void parse_m3uTxtWithoutHeader_warnsAndReadsGroups() throws Exception {
    IptvPlaylist p = parse("iptv-org/M3u.txt");

    assertThat(p.warnings()).singleElement().satisfies(w -> {
      assertThat(w.line()).isEqualTo(1);
      assertThat(w.message()).contains("#EXTM3U");
    });
    IptvPlaylist.Entry first = p.entries().get(0);
    assertThat(first.group()).isEqualTo("Season 1");
    assertThat(first.attribute("tvg-name")).hasValue("Bojhena Se Bojhena");
    assertThat(first.attribute("tvg-logo")).hasValue("https://i.ibb.co/RywBwPD/1000032134-h-copy-1280x1280.jpg");
    assertThat(first.url()).endsWith(".mkv");
  }

  @Test
  void parse_freeTv_readsLongGuideHeaderAndMarkers() throws Exception {
    IptvPlaylist p = parse("free-tv/playlist.m3u8");

    assertThat(p.header()).containsOnlyKeys("x-tvg-url");
    String guides = p.header("X-TVG-URL").orElseThrow();
    assertThat(guides).hasSize(6274)
        .startsWith("https://epgshare01.online/epgshare01/epg_ripper_AL1.xml.gz, ")
        .endsWith("https://epgshare01.online/epgshare01/locomotiontv.xml.gz");
    assertThat(p.guideUrls()).hasSize(101).first().isEqualTo("https://epgshare01.online/epgshare01/epg_ripper_AL1.xml.gz");
    IptvPlaylist.Entry first = p.entries().get(0);
    assertThat(first.title()).isEqualTo("Kanali 7 Ⓢ");
    assertThat(first.name()).isEqualTo("Kanali 7");
    assertThat(first.group()).isEqualTo("Albania");
    assertThat(first.attributes()).containsOnlyKeys("tvg-name", "tvg-logo", "tvg-id", "tvg-country", "group-title");
    assertThat(p.entries()).filteredOn(e -> e.group().equals("Albania")).hasSize(17);
    assertThat(p.entries().stream().map(IptvPlaylist.Entry::group).distinct()).hasSize(97);
    assertThat(p.entries()).anySatisfy(e -> assertThat(e.url()).isEqualTo("https://www.twitch.tv/abcnewsal"));
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void parse_everyCorpusFile_roundTripsThroughWriter() throws Exception {
    for (String file : List.of("iptv-org/ar.m3u", "iptv-org/br.m3u", "iptv-org/cn.m3u", "iptv-org/de.m3u",
        "iptv-org/fr.m3u", "iptv-org/in.m3u", "iptv-org/jp.m3u", "iptv-org/ru.m3u", "iptv-org/uk.m3u",
        "iptv-org/us.m3u", "iptv-org/M3u.txt", "iptv-org/MongolianTVHD (1).m3u8", "free-tv/playlist.m3u8")) {
      IptvPlaylist p = parse(file);
      String written = IptvWriter.toString(p);
      IptvPlaylist again = (IptvPlaylist) Playlists.parse(written);

      assertThat(again.withoutPositions()).as(file).isEqualTo(p.withoutPositions());
      assertThat(again.warnings()).as(file).isEmpty();
      assertThat(IptvWriter.toString(again)).as(file).isEqualTo(written);
    }
  }

  @Test
  void parse_hlsCorpusFile_isNotIptv() throws Exception {
    try (InputStream in = Files.newInputStream(Corpus.file("hls/m3u8-parser/media/apple-media.m3u8"))) {
      Optional<String> kind;
      try {
        kind = Optional.of(Playlists.parse(in, ParseOptions.DEFAULTS).kind());
      } catch (PlaylistParseException notYetImplemented) {
        kind = Optional.empty();
      }
      assertThat(kind).isNotEqualTo(Optional.of("iptv"));
    }
  }
}
