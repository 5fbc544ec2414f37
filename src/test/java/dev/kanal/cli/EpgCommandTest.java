package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpgCommandTest {

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KanalCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static final String GUIDE = """
      <?xml version="1.0" encoding="UTF-8"?>
      <!DOCTYPE tv SYSTEM "xmltv.dtd">
      <tv>
        <channel id="BBCOne.uk"><display-name>BBC One</display-name></channel>
        <channel id="tf1.fr"><display-name>TF1</display-name></channel>
        <programme start="20261121120000 +0000" stop="20261121130000 +0000" channel="BBCOne.uk">
          <title>News</title><desc>The news.</desc><category>News</category></programme>
        <programme start="20261121130000 +0000" stop="20261121140000 +0000" channel="BBCOne.uk"><title>Quiz</title></programme>
        <programme start="20261121120000 +0000" stop="20261121123000 +0000" channel="tf1.fr"><title>Le Journal</title></programme>
      </tv>
      """;

  private Path guide(boolean gzip) throws Exception {
    Path file = dir.resolve(gzip ? "guide.xml.gz" : "guide.xml");
    if (gzip) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
        gz.write(GUIDE.getBytes(StandardCharsets.UTF_8));
      }
      Files.write(file, bytes.toByteArray());
    } else {
      Files.writeString(file, GUIDE);
    }
    return file;
  }

  @Test
  void now_json_fromPlaylistGuideUrl_matchesByIdAndByName() throws Exception {
    Path guide = guide(true);
    Path playlist = dir.resolve("tv.m3u");
    Files.writeString(playlist, """
        #EXTM3U x-tvg-url="%s"
        #EXTINF:-1 tvg-id="BBCOne.uk",BBC One HD
        http://127.0.0.1:1/bbc.m3u8
        #EXTINF:-1,tf1
        http://127.0.0.1:1/tf1.m3u8
        #EXTINF:-1 tvg-id="x.y",Unknown TV
        http://127.0.0.1:1/x.m3u8
        """.formatted(guide.toString()));
    Run r = run("epg", "now", "--playlist", playlist.toString(), "--at", "2026-11-21T12:15:00Z", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode array = new ObjectMapper().readTree(r.out());
    assertThat(array).hasSize(3);
    JsonNode bbc = array.get(0);
    assertThat(bbc.get("channelId").asText()).isEqualTo("BBCOne.uk");
    assertThat(bbc.get("guideId").asText()).isEqualTo("BBCOne.uk");
    assertThat(bbc.get("now").get("title").asText()).isEqualTo("News");
    assertThat(bbc.get("now").get("start").asText()).isEqualTo("2026-11-21T12:00:00Z");
    assertThat(bbc.get("now").get("stop").asText()).isEqualTo("2026-11-21T13:00:00Z");
    assertThat(bbc.get("now").get("description").asText()).isEqualTo("The news.");
    assertThat(bbc.get("now").get("categories").get(0).asText()).isEqualTo("News");
    assertThat(bbc.get("next").get("title").asText()).isEqualTo("Quiz");
    JsonNode tf1 = array.get(1);
    assertThat(tf1.get("guideId").asText()).isEqualTo("tf1.fr");
    assertThat(tf1.get("now").get("title").asText()).isEqualTo("Le Journal");
    assertThat(tf1.get("next").isNull()).isTrue();
    assertThat(array.get(2).get("guideId").isNull()).isTrue();
    assertThat(array.get(2).get("now").isNull()).isTrue();
  }

  @Test
  void now_guideFromConfigKey() throws Exception {
    Path config = dir.resolve("kanal.yaml");
    Files.writeString(config, "iptv:\n  epg:\n    - " + guide(true) + "\n");
    Run r = run("epg", "now", "--config", config.toString(), "--channel", "tf1", "--at", "2026-11-21T12:15:00Z");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("TF1").contains("Le Journal").doesNotContain("BBC One");
  }

  @Test
  void now_text_withChannelFilter() throws Exception {
    Run r = run("epg", "now", "--epg", guide(false).toString(), "--channel", "bbc", "--at", "2026-11-21T12:15:00Z");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("BBC One").contains("now").contains("News").contains("next").contains("Quiz")
        .doesNotContain("TF1");
  }

  @Test
  void now_unknownChannel_failsWithOneLine() throws Exception {
    Run r = run("epg", "now", "--epg", guide(false).toString(), "--channel", "nope");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("kanal: no channel matches 'nope'\n");
  }

  @Test
  void now_hostileGuide_isRefusedNamingIt() throws Exception {
    Path evil = dir.resolve("evil.xml");
    Files.writeString(evil, "<?xml version=\"1.0\"?>\n<!DOCTYPE tv [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
        + "<tv><channel id=\"a\"><display-name>&xxe;</display-name></channel></tv>");
    Run r = run("epg", "now", "--epg", evil.toString(), "--json");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("kanal: " + evil + ": ").contains("refuses").doesNotContain("root:");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void now_withoutGuide_isUsageError() {
    Run r = run("epg", "now");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("kanal: no programme guide");
  }
}
