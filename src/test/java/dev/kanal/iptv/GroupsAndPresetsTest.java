package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kanal.config.KanalConfig.GroupConfig;
import dev.kanal.config.KanalConfig.SourceConfig;
import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.playlist.ParseOptions;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Configured groups (rules, priority, numbering), group-title cleaning, presets, and fuzzing of both parsers. */
class GroupsAndPresetsTest {

  static final String LIST = """
      #EXTM3U
      #EXTINF:-1 tvg-id="France24.fr" tvg-country="FR" tvg-language="French" group-title="News;Undefined",France 24
      http://127.0.0.1/f24.m3u8
      #EXTINF:-1 tvg-id="CNN.us" tvg-country="US" group-title="News",CNN
      http://127.0.0.1/cnn.m3u8
      #EXTINF:-1 tvg-id="Eurosport.fr" tvg-chno="7" group-title=" Sport ",Eurosport
      http://127.0.0.1/es.m3u8
      #EXTINF:-1 tvg-id="Arte.fr" group-title="",Arte
      http://127.0.0.1/arte.m3u8
      #EXTINF:-1 group-title="Kids;Music",Kids Radio
      http://127.0.0.1/kr.m3u8
      """;

  static ChannelCatalog build(List<GroupConfig> groups) throws Exception {
    IptvPlaylist p = IptvPlaylist.parse(LIST, ParseOptions.DEFAULTS);
    return CatalogBuilder.build(List.of(new CatalogBuilder.Input(SourceConfig.of("list"), p)), groups);
  }

  @Test
  void defaultGroups_cleanedAndSplit() throws Exception {
    ChannelCatalog c = build(List.of());
    assertThat(c.groups()).containsExactly("News", "Sport", "Undefined", "Kids", "Music");
    assertThat(c.find("France24.fr").orElseThrow().groups()).containsExactly("News");
    assertThat(c.find("Arte.fr").orElseThrow().group()).isEqualTo("Undefined");
    assertThat(c.channels("music")).extracting(Channel::name).containsExactly("Kids Radio");
    assertThat(c.find("Eurosport.fr").orElseThrow().number()).contains("7");
    assertThat(c.channels()).extracting(ch -> ch.number().orElseThrow()).containsExactly("1", "2", "7", "3", "4");
    assertThat(c.find("kids-radio").orElseThrow().name()).isEqualTo("Kids Radio");
  }

  @Test
  void configuredGroups_rulesPriorityAndStartNumber() throws Exception {
    ChannelCatalog c = build(List.of(
        new GroupConfig("French", List.of("country:fr", "tvg-id:*.fr"), List.of("group:sport"), 5, 100),
        new GroupConfig("World news", List.of("group:News"), List.of("language:French"), 10, 0),
        new GroupConfig("Radio", List.of("name:(?i)radio$"), List.of(), 0, 0)));
    assertThat(c.groups()).startsWith("World news", "French");
    assertThat(c.find("CNN.us").orElseThrow().groups()).containsExactly("World news");
    assertThat(c.find("France24.fr").orElseThrow().groups()).containsExactly("French");
    assertThat(c.find("Arte.fr").orElseThrow().groups()).containsExactly("French");
    assertThat(c.find("Eurosport.fr").orElseThrow().groups()).containsExactly("Sport"); // excluded: keeps its group-title
    assertThat(c.channels("French")).extracting(ch -> ch.number().orElseThrow()).containsExactly("100", "101");
    assertThat(c.find("CNN.us").orElseThrow().number()).contains("1");
    assertThat(c.channels("Radio")).extracting(Channel::name).containsExactly("Kids Radio");
    assertThat(c.search("radio", Optional.of("Radio"))).hasSize(1);
  }

  @Test
  void config_groupsLoadWithDefaultsAndBadRulesNameTheLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("kanal.yaml");
    java.nio.file.Files.writeString(file, """
        iptv:
          groups:
            - name: News
              include: ["group:News"]
              priority: 3
            - Sport
        """);
    var config = dev.kanal.config.ConfigLoader.load(Optional.of(file), java.util.Map.of(), List.of());
    assertThat(config.iptv().groups()).containsExactly(
        new GroupConfig("News", List.of("group:News"), List.of(), 3, 0), GroupConfig.of("Sport"));
    java.nio.file.Files.writeString(file, """
        iptv:
          groups:
            - name: News
              include: ["colour:red"]
        """);
    assertThatThrownBy(() -> dev.kanal.config.ConfigLoader.load(Optional.of(file), java.util.Map.of(), List.of()))
        .hasMessageContaining("iptv.groups[0].include[0]").hasMessageContaining("field:value");
  }

  @Test
  void invalidRule_namesTheConfigKey() {
    assertThatThrownBy(() -> build(List.of(new GroupConfig("X", List.of("group:a", "colour:red"), List.of(), 0, 0))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("iptv.groups[0].include[1]: ");
    assertThatThrownBy(() -> GroupRule.parse("name:(unclosed")).hasMessageContaining("invalid regular expression");
  }

  @ParameterizedTest
  @CsvSource({
      "iptv-org:index, https://iptv-org.github.io/iptv/index.m3u",
      "iptv-org:countries/fr, https://iptv-org.github.io/iptv/countries/fr.m3u",
      "IPTV-ORG:Countries/UK, https://iptv-org.github.io/iptv/countries/uk.m3u",
      "iptv-org:categories/news, https://iptv-org.github.io/iptv/categories/news.m3u",
      "iptv-org:categories/classic-tv, https://iptv-org.github.io/iptv/categories/classic-tv.m3u",
      "iptv-org:languages/fra, https://iptv-org.github.io/iptv/languages/fra.m3u",
      "iptv-org:regions/eur, https://iptv-org.github.io/iptv/regions/eur.m3u",
      "https://example.org/a.m3u, https://example.org/a.m3u"})
  void presets_mapToIptvOrgUrls(String source, String url) {
    assertThat(SourceLocation.resolve(source).uri()).contains(URI.create(url));
  }

  @Test
  void sources_filesAndBadInputs() {
    assertThat(SourceLocation.resolve("lists/mine.m3u").file()).contains(java.nio.file.Path.of("lists/mine.m3u"));
    assertThat(SourceLocation.resolve("file:///tmp/x.m3u").file()).contains(java.nio.file.Path.of("/tmp/x.m3u"));
    for (String bad : List.of("iptv-org:countries/france", "iptv-org:", "iptv-org:../../etc", "ftp://h/x.m3u",
        "iptv-org:languages/fr", "http://", " ")) {
      assertThatThrownBy(() -> SourceLocation.resolve(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** Mutated presets and rules: only IllegalArgumentException, never anything else; outputs stay well-formed. */
  @Test
  void fuzz_presetAndRuleParsers_failCleanly() {
    Random random = new Random(5);
    List<String> seeds = List.of("iptv-org:countries/fr", "iptv-org:categories/news", "iptv-org:languages/fra",
        "group:News", "name:(?i)^bbc.*", "country:F*", "tvg-id:CNN.us", "https://example.org/x.m3u");
    String alphabet = ":/*.()[]{}?+\\|^$%~\u0000\uFFFF\uD800é新 -_azAZ09";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
      int edits = 1 + random.nextInt(6);
      for (int e = 0; e < edits; e++) {
        int at = s.isEmpty() ? 0 : random.nextInt(s.length() + 1);
        switch (random.nextInt(4)) {
          case 0 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> { if (at < s.length()) s.deleteCharAt(at); }
          case 2 -> { if (at < s.length()) s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length()))); }
          default -> s.append(String.valueOf(s).repeat(random.nextInt(3)));
        }
      }
      String text = s.toString();
      try {
        SourceLocation loc = SourceLocation.resolve(text);
        loc.uri().ifPresent(u -> {
          if (text.regionMatches(true, 0, "iptv-org:", 0, 9)) {
            assertThat(u.toString()).as(text).startsWith(SourceLocation.IPTV_ORG_BASE).endsWith(".m3u").doesNotContain("..");
          }
        });
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
      try {
        GroupRule rule = GroupRule.parse(text);
        assertThat(rule.value()).isEqualTo(text.substring(text.indexOf(':') + 1).strip());
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
    assertThatThrownBy(() -> GroupRule.parse("group:" + "x".repeat(GroupRule.MAX_LENGTH))).hasMessageContaining("at most");
    assertThatThrownBy(() -> SourceLocation.resolve("x".repeat(SourceLocation.MAX_LENGTH + 1))).hasMessageContaining("at most");
  }

  @Test
  void searchText_foldsWidthCaseMarksAndKeepsKana() {
    assertThat(SearchText.fold("ＢＢＣ Ｏｎｅ")).isEqualTo("bbc one");
    assertThat(SearchText.fold("Télé Québec")).isEqualTo("tele quebec");
    assertThat(SearchText.fold("Ёлка")).isEqualTo("елка");
    assertThat(SearchText.fold("أَحْمَد")).isEqualTo("احمد");
    assertThat(SearchText.fold("テレビ")).isEqualTo("テレビ");
    assertThat(SearchText.tokens("cctv-1综合")).containsExactly("cctv", "1", "综合");
    assertThat(SearchText.distance("jazera", "jazeera", 1)).isEqualTo(1);
    assertThat(SearchText.distance("jaezera", "jazeera", 2)).isEqualTo(1); // transposition
    assertThat(SearchText.distance("abcd", "wxyz", 1)).isEqualTo(2);
  }
}
