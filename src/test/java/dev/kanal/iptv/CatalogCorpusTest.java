package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.SourceConfig;
import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The catalog built from the real-world corpus: counts, merges, groups, headers and search in several scripts. */
class CatalogCorpusTest {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.~-]{1,128}");

  static CatalogBuilder.Input input(String file, int priority) throws Exception {
    IptvPlaylist p = IptvPlaylist.parse(Files.readString(Corpus.file(file)), ParseOptions.DEFAULTS);
    return new CatalogBuilder.Input(new SourceConfig(file, priority, Map.of(), Duration.ZERO, true), p);
  }

  static ChannelCatalog build(String... files) throws Exception {
    List<CatalogBuilder.Input> inputs = new ArrayList<>();
    for (String f : files) {
      inputs.add(input(f, 0));
    }
    return CatalogBuilder.build(inputs, List.of());
  }

  static ChannelCatalog everything() throws Exception {
    List<String> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(Corpus.root().resolve("iptv-org"))) {
      s.map(p -> "iptv-org/" + p.getFileName()).sorted().forEach(files::add);
    }
    files.add("free-tv/playlist.m3u8");
    return build(files.toArray(String[]::new));
  }

  @Test
  void build_cnM3u_mergesEveryCctv1EntryIntoOneChannel() throws Exception {
    ChannelCatalog catalog = build("iptv-org/cn.m3u");
    // 106 EXTINF lines, the last cut off by the corpus truncation: 105 entries, 8 distinct tvg-ids.
    assertThat(catalog.channels()).hasSize(8);
    assertThat(catalog.channels().stream().mapToInt(c -> c.sources().size()).sum()).isEqualTo(105);
    Channel cctv1 = catalog.find("CCTV1.cn").orElseThrow();
    assertThat(cctv1.name()).isEqualTo("CCTV-1综合");
    assertThat(cctv1.sources()).hasSize(20);
    assertThat(cctv1.sources().get(0).url()).isEqualTo("http://39.134.115.163:8080/PLTV/88888910/224/3221225618/index.m3u8");
    assertThat(cctv1.country()).isEqualTo("CN");
    assertThat(cctv1.groups()).containsExactly("Undefined");
    assertThat(cctv1.number()).contains("1");
  }

  @Test
  void build_freeTv_countsGroupsAndKeepsTvgAttributes() throws Exception {
    ChannelCatalog catalog = build("free-tv/playlist.m3u8");
    assertThat(catalog.channels()).hasSize(2016); // 2,059 entries, duplicates by tvg-id merged
    assertThat(catalog.groups()).hasSize(97).contains("China", "Russia", "News (AR)");
    Channel cctv13 = catalog.find("CCTV13.cn").orElseThrow();
    assertThat(cctv13.name()).isEqualTo("CCTV-13 新闻");
    assertThat(cctv13.number()).contains("16");
    assertThat(cctv13.group()).isEqualTo("China");
    assertThat(cctv13.logo()).isEqualTo("https://i.imgur.com/pPO8uJN.png");
    // Россия-24 is listed twice (1080p and 720p) under one tvg-id: one channel, two sources.
    Channel russia24 = catalog.find("Russia24.ru").orElseThrow();
    assertThat(russia24.sources()).hasSize(2);
    assertThat(russia24.name()).startsWith("Россия-24");
  }

  @Test
  void build_everyCorpusFile_mergesAcrossPlaylistsWithValidIds() throws Exception {
    ChannelCatalog catalog = everything();
    int entries = 0;
    assertThat(catalog.channels()).allSatisfy(c -> assertThat(c.id()).matches(ID));
    assertThat(catalog.channels().stream().map(c -> c.id().toLowerCase()).distinct().count())
        .isEqualTo(catalog.channels().size());
    // CCTV-1 is in cn.m3u (20 streams) and in Free-TV (1): one channel with 21 sources from two origins.
    Channel cctv1 = catalog.find("CCTV1.cn").orElseThrow();
    assertThat(cctv1.sources()).hasSize(21);
    assertThat(cctv1.sources().stream().map(ChannelSource::origin).distinct())
        .containsExactlyInAnyOrder("iptv-org/cn.m3u", "free-tv/playlist.m3u8");
    assertThat(cctv1.names()).contains("CCTV-1综合", "CCTV-1 综合");
    for (Channel c : catalog.channels()) {
      entries += c.sources().size();
    }
    // 3,286 entries in all; merging leaves fewer channels, and sources only lose exact duplicates.
    assertThat(entries).isEqualTo(3286);
    assertThat(catalog.channels().size()).isLessThan(3000);
  }

  @Test
  void headers_fromExtvlcopt_areOnTheSources() throws Exception {
    ChannelCatalog catalog = build("iptv-org/ar.m3u", "iptv-org/in.m3u", "iptv-org/ru.m3u");
    assertThat(catalog.find("A24.ar").orElseThrow().sources().get(0).headers())
        .containsExactly(Map.entry("User-Agent", "iPhone"));
    assertThat(catalog.find("DDNews.in").orElseThrow().sources())
        .filteredOn(s -> s.url().equals("https://playhls.media.nic.in/hls/live/ddnews/ddnews.m3u8"))
        .singleElement().satisfies(s -> assertThat(s.headers()).containsExactly(Map.entry("Referer", "https://webcast.gov.in/")));
    assertThat(catalog.find("5Kanal.ru").orElseThrow().sources().get(0).headers()).containsEntry("User-Agent",
        "Mozilla/5.0 (X11; Linux aarch64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.84 Safari/537.36"
            + " CrKey/1.21a.76178");
  }

  @Test
  void headers_fromSourceConfig_areOverriddenByTheEntry() throws Exception {
    IptvPlaylist p = IptvPlaylist.parse(Files.readString(Corpus.file("iptv-org/ar.m3u")), ParseOptions.DEFAULTS);
    SourceConfig source = new SourceConfig("ar", 3, Map.of("User-Agent", "Kanal", "X-Token", "t"), Duration.ZERO, true);
    ChannelCatalog catalog = CatalogBuilder.build(List.of(new CatalogBuilder.Input(source, p)), List.of());
    ChannelSource a24 = catalog.find("A24.ar").orElseThrow().sources().get(0);
    assertThat(a24.headers()).containsEntry("User-Agent", "iPhone").containsEntry("X-Token", "t");
    assertThat(a24.priority()).isEqualTo(3);
    assertThat(catalog.find("5RTV.ar").orElseThrow().sources().get(0).headers()).containsEntry("User-Agent", "Kanal");
  }

  @Test
  void search_chinese_findsCctv13InFreeTv() throws Exception {
    ChannelCatalog catalog = build("free-tv/playlist.m3u8");
    assertThat(catalog.search("新闻", Optional.empty())).extracting(Channel::id).contains("CCTV13.cn");
  }

  @Test
  void search_chinese_findsMergedCctv1InCnM3u() throws Exception {
    ChannelCatalog catalog = build("iptv-org/cn.m3u");
    List<Channel> hits = catalog.search("综合", Optional.empty());
    assertThat(hits).extracting(Channel::id).containsExactly("CCTV1.cn");
    assertThat(hits.get(0).sources()).hasSize(20);
  }

  @Test
  void search_arabic_ignoresTashkeelTatweelAndAlefForms() throws Exception {
    ChannelCatalog catalog = build("free-tv/playlist.m3u8");
    // "العربية" with a heh for the teh marbuta, with tashkeel, and with a tatweel.
    for (String q : List.of("العربيه", "الْعَرَبِيَّة", "العـربية")) {
      assertThat(catalog.search(q, Optional.empty())).as(q).extracting(Channel::id).contains("AlJazeeraChannel.qa");
    }
    assertThat(catalog.search("مكان", Optional.empty())).extracting(Channel::id).first().isEqualTo("Makan33.il");
  }

  @Test
  void search_cyrillic_withCaseAndTypo() throws Exception {
    ChannelCatalog catalog = build("free-tv/playlist.m3u8");
    assertThat(catalog.search("РОССИЯ", Optional.empty())).extracting(Channel::id)
        .contains("Russia1.ru", "Russia24.ru", "RussiaK.ru");
    assertThat(catalog.search("Росия 1", Optional.empty())).extracting(Channel::id).first().isEqualTo("Russia1.ru");
    assertThat(catalog.search("первый канал", Optional.empty())).extracting(Channel::id).first().isEqualTo("ChannelOne.ru");
  }

  @Test
  void search_favouritesComeFirst_thenRankOrder() throws Exception {
    ChannelCatalog catalog = build("free-tv/playlist.m3u8");
    List<String> plain = catalog.search("Al Jazeera", Optional.empty()).stream().map(Channel::id).toList();
    assertThat(plain.getFirst()).isEqualTo("AlJazeeraEnglish.qa");
    String lastHit = plain.getLast();
    // by id and by name (folded); an unknown entry is reported, not fatal
    assertThat(catalog.setFavourites(List.of(lastHit, "al jazeera mubasher", "No Such Channel")))
        .containsExactly("No Such Channel");
    String mubasher = catalog.find("al jazeera mubasher").orElseThrow().id();
    List<String> ranked = catalog.search("Al Jazeera", Optional.empty()).stream().map(Channel::id).toList();
    assertThat(ranked).hasSameSizeAs(plain);
    assertThat(ranked.subList(0, 2)).containsExactlyInAnyOrder(lastHit, mubasher);
    // favourites keep their rank order among themselves, the others theirs
    assertThat(ranked.indexOf(mubasher)).isLessThan(ranked.indexOf(lastHit));
    List<String> rest = new ArrayList<>(plain);
    rest.removeAll(List.of(lastHit, mubasher));
    assertThat(ranked.subList(2, ranked.size())).containsExactlyElementsOf(rest);
    // health updates keep the favourites
    catalog.updateHealth(catalog.urls().getFirst(), CheckStatus.ALIVE, java.time.Instant.now(), java.util.OptionalLong.of(5));
    assertThat(catalog.search("Al Jazeera", Optional.empty()).getFirst().id()).isIn(lastHit, mubasher);
  }

  @Test
  void search_latin_withTypoRanksClosestFirst() throws Exception {
    ChannelCatalog catalog = build("free-tv/playlist.m3u8");
    assertThat(catalog.search("al jazera", Optional.empty())).extracting(Channel::id).first()
        .isEqualTo("AlJazeeraEnglish.qa");
    assertThat(catalog.search("Al Jazeera", Optional.empty())).extracting(Channel::id).first()
        .isEqualTo("AlJazeeraEnglish.qa");
  }

  @Test
  void resolve_byNameOrId_givesTheFirstSourceWithItsHeaders() throws Exception {
    ChannelCatalog catalog = build("iptv-org/ar.m3u");
    ChannelCatalog.Resolved r = catalog.resolve("a24").orElseThrow();
    assertThat(r.channel().id()).isEqualTo("A24.ar");
    assertThat(r.source().headers()).containsEntry("User-Agent", "iPhone");
    assertThat(catalog.resolve("no such channel anywhere")).isEmpty();
  }
}
