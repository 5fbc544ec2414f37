package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kanal.testing.Corpus;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kanal channels list|search|refresh}, in process. */
class ChannelsCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KanalCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  Run channels(String... args) {
    List<String> all = new ArrayList<>(List.of("channels"));
    all.addAll(List.of(args));
    all.addAll(List.of("--data", dir.resolve("data").toString()));
    return run(all.toArray(String[]::new));
  }

  @Test
  void listJson_followsTheContract() throws Exception {
    Path list = dir.resolve("ar.m3u");
    Files.copy(Corpus.file("iptv-org/ar.m3u"), list);
    Run r = channels("list", "--json", "--playlist", list.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode array = JSON.readTree(r.out());
    assertThat(array.isArray()).isTrue();
    assertThat(array.size()).isEqualTo(74);
    JsonNode a24 = null;
    for (JsonNode c : array) {
      List<String> keys = new ArrayList<>();
      c.fieldNames().forEachRemaining(keys::add);
      assertThat(keys).containsExactly("id", "name", "number", "group", "logo", "country", "language", "status", "sources");
      if (c.get("id").asText().equals("A24.ar")) {
        a24 = c;
      }
    }
    assertThat(a24).isNotNull();
    assertThat(a24.get("name").asText()).isEqualTo("A24");
    assertThat(a24.get("group").asText()).isEqualTo("Undefined");
    assertThat(a24.get("country").asText()).isEqualTo("AR");
    assertThat(a24.get("status").asText()).isEqualTo("unknown");
    JsonNode source = a24.get("sources").get(0);
    List<String> keys = new ArrayList<>();
    source.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("url", "headers", "priority", "status", "checkedAt");
    assertThat(source.get("headers").get("User-Agent").asText()).isEqualTo("iPhone");
    assertThat(source.get("checkedAt").isNull()).isTrue();
  }

  @Test
  void searchJson_chineseInFreeTv_andGroupFilter() throws Exception {
    String file = Corpus.file("free-tv/playlist.m3u8").toString();
    Run r = channels("search", "新闻", "--json", "--playlist", file);
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode array = JSON.readTree(r.out());
    assertThat(array.get(0).get("id").asText()).isEqualTo("CCTV13.cn");
    assertThat(array.get(0).get("number").asText()).isEqualTo("16");

    Run text = channels("search", "россия", "--group", "russia", "--playlist", file);
    assertThat(text.exit()).isZero();
    assertThat(text.out()).contains("Россия 1  [Russia]  Russia1.ru");
  }

  @Test
  void list_unknownGroup_isUsageErrorInOneLine() throws Exception {
    Path list = dir.resolve("a.m3u");
    Files.writeString(list, "#EXTM3U\n#EXTINF:-1 group-title=\"News\",A\nhttp://127.0.0.1/a.m3u8\n");
    Run r = channels("list", "--group", "Nope", "--playlist", list.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("kanal: unknown group 'Nope' (groups: News)");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void list_unreachableSourceWithoutCache_exit1NamingTheUrl() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/list.m3u";
    Run r = channels("list", "--playlist", url);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("kanal: cannot read " + url);
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void list_withoutSources_isUsageError() {
    Run r = channels("list");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("kanal: no playlists");
  }

  @Test
  void refresh_printsAddedRemovedChangedAndKeepsTheLastGoodCopy() throws Exception {
    String[] body = {"#EXTM3U\n#EXTINF:-1 tvg-id=\"A.fr\" group-title=\"News\",Alpha\nhttp://127.0.0.1/a.m3u8\n"
        + "#EXTINF:-1 tvg-id=\"B.fr\" group-title=\"News\",Beta\nhttp://127.0.0.1/b.m3u8\n"};
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] bytes = body[0].getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/list.m3u";
    try {
      Run first = channels("refresh", "--playlist", url);
      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(first.out()).isEqualTo("+ A.fr  Alpha  [News]\n+ B.fr  Beta  [News]\n"
          + "2 added, 0 removed, 0 changed; 2 channels from 1 source (first refresh)\n");

      body[0] = "#EXTM3U\n#EXTINF:-1 tvg-id=\"A.fr\" group-title=\"Info\",Alpha\nhttp://127.0.0.1/a.m3u8\n"
          + "#EXTINF:-1 tvg-id=\"C.fr\" group-title=\"News\",Gamma\nhttp://127.0.0.1/c.m3u8\n";
      Run second = channels("refresh", "--playlist", url);
      assertThat(second.exit()).isZero();
      assertThat(second.out()).startsWith("+ C.fr  Gamma  [News]\n- B.fr  Beta  [News]\n"
          + "~ A.fr  Alpha: group 'News' -> 'Info'\n1 added, 1 removed, 1 changed; 2 channels from 1 source (previous refresh ");

      Run json = channels("refresh", "--json", "--playlist", url);
      JsonNode root = JSON.readTree(json.out());
      assertThat(root.get("added").size() + root.get("removed").size() + root.get("changed").size()).isZero();
      assertThat(root.get("channels").asInt()).isEqualTo(2);
    } finally {
      server.stop(0);
    }
    Run down = channels("refresh", "--playlist", url);
    assertThat(down.exit()).isZero();
    assertThat(down.err()).startsWith("kanal: warning: " + url + ": ");
    assertThat(down.out()).startsWith("0 added, 0 removed, 0 changed; 2 channels");
    Run list = channels("list", "--json", "--playlist", url);
    assertThat(JSON.readTree(list.out()).size()).isEqualTo(2);
  }
}
