package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kanal.iptv.HealthHistory;
import dev.kanal.store.Database;
import dev.kanal.testing.FakeIptvUpstream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code channels check}, built on its own as part A's {@code channels} command will mount it. */
class ChannelsCheckCommandTest {

  static FakeIptvUpstream upstream;

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    upstream = new FakeIptvUpstream();
  }

  @AfterAll
  static void stop() {
    upstream.close();
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // The same handlers as the real command line, around this one command.
    CommandLine root = KanalCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
    CommandLine cli = new CommandLine(new ChannelsCheckCommand());
    cli.setOut(root.getOut());
    cli.setErr(root.getErr());
    cli.setParameterExceptionHandler(root.getParameterExceptionHandler());
    cli.setExecutionExceptionHandler(root.getExecutionExceptionHandler());
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path playlist() throws Exception {
    Path file = dir.resolve("channels.m3u");
    Files.writeString(file, """
        #EXTM3U
        #EXTINF:-1 tvg-id="Good.uk",Good One (720p)
        %s
        #EXTINF:-1 tvg-id="Gone.fr",Gone
        %s
        #EXTINF:-1 tvg-id="Ref.de",Needs Referer
        #EXTVLCOPT:http-referrer=%s
        %s
        #EXTINF:-1 tvg-id="Blocked.es",Blocked
        %s
        #EXTINF:-1,Refused
        http://127.0.0.1:%d/x.m3u8
        """.formatted(upstream.url("good/master.m3u8"), upstream.url("status/404"), FakeIptvUpstream.REFERER,
        upstream.url("ref/master.m3u8"), upstream.url("status/451"), FakeIptvUpstream.closedPort()));
    return file;
  }

  @Test
  void check_json_printsOneObjectPerSourceAndKeepsHistory() throws Exception {
    Path data = dir.resolve("data");
    Run r = run("--playlist", playlist().toString(), "--data", data.toString(), "--timeout", "2", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode array = new ObjectMapper().readTree(r.out());
    assertThat(array).hasSize(5);
    assertThat(array.get(0).get("channelId").asText()).isEqualTo("Good.uk");
    assertThat(array.get(0).get("name").asText()).isEqualTo("Good One");
    assertThat(array.get(0).get("url").asText()).isEqualTo(upstream.url("good/master.m3u8"));
    assertThat(array.get(0).get("httpStatus").asInt()).isEqualTo(200);
    assertThat(array.get(0).get("latencyMs").isIntegralNumber()).isTrue();
    assertThat(array.get(0).get("detail").asText()).contains("first segment");
    List<String> statuses = new java.util.ArrayList<>();
    array.forEach(o -> statuses.add(o.get("status").asText()));
    // #EXTVLCOPT:http-referrer reaches the checker: that channel is alive.
    assertThat(statuses).containsExactly("alive", "dead", "alive", "geo-blocked", "dead");
    assertThat(array.get(4).get("httpStatus").isNull()).isTrue();
    List<String> keys = new java.util.ArrayList<>();
    array.get(0).fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("channelId", "name", "url", "status", "httpStatus", "latencyMs", "detail");

    try (Database db = Database.open(data.resolve("kanal.db"))) {
      assertThat(HealthHistory.open(db).latest(upstream.url("status/451")).orElseThrow().status().text()).isEqualTo("geo-blocked");
    }
  }

  @Test
  void checkThenList_listShowsEachSourcesLastStatusOrdersByHealthAndAliveFilters() throws Exception {
    Path file = dir.resolve("merged.m3u");
    Files.writeString(file, """
        #EXTM3U
        #EXTINF:-1 tvg-id="Multi.uk",Multi
        %s
        #EXTINF:-1 tvg-id="Multi.uk",Multi
        %s
        #EXTINF:-1 tvg-id="Gone.fr",Gone
        %s
        #EXTINF:-1 tvg-id="Ref.de",Needs Referer
        #EXTVLCOPT:http-referrer=%s
        %s
        """.formatted(upstream.url("status/404?m"), upstream.url("good/master.m3u8?m"), upstream.url("status/500?g"),
        FakeIptvUpstream.REFERER, upstream.url("ref/master.m3u8?r")));
    String data = dir.resolve("data").toString();
    ObjectMapper json = new ObjectMapper();

    // Before any check every source is unknown, in playlist order.
    ChannelsCommandTest.Run before = ChannelsCommandTest.run("channels", "list", "--json", "--playlist", file.toString(), "--data", data);
    assertThat(before.exit()).as(before.err()).isZero();
    assertThat(json.readTree(before.out()).get(0).get("sources").get(0).get("status").asText()).isEqualTo("unknown");

    // check runs over the catalog's sources (merged channel: both URLs) and records the results.
    ChannelsCommandTest.Run check = ChannelsCommandTest.run("channels", "check", "--json", "--timeout", "2",
        "--playlist", file.toString(), "--data", data);
    assertThat(check.exit()).as(check.err()).isZero();
    JsonNode checked = json.readTree(check.out());
    assertThat(checked).hasSize(4);
    assertThat(checked.get(0).get("channelId").asText()).isEqualTo("Multi.uk");

    ChannelsCommandTest.Run list = ChannelsCommandTest.run("channels", "list", "--json", "--playlist", file.toString(), "--data", data);
    assertThat(list.exit()).as(list.err()).isZero();
    JsonNode channels = json.readTree(list.out());
    JsonNode multi = channels.get(0);
    assertThat(multi.get("id").asText()).isEqualTo("Multi.uk");
    assertThat(multi.get("status").asText()).isEqualTo("alive");
    // The alive source now comes first, the dead one after it; both carry when they were checked.
    assertThat(multi.get("sources").get(0).get("url").asText()).isEqualTo(upstream.url("good/master.m3u8?m"));
    assertThat(multi.get("sources").get(0).get("status").asText()).isEqualTo("alive");
    assertThat(multi.get("sources").get(1).get("status").asText()).isEqualTo("dead");
    assertThat(multi.get("sources").get(1).get("checkedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(channels.get(1).get("status").asText()).isEqualTo("dead");
    assertThat(channels.get(2).get("status").asText()).as("the Referer from #EXTVLCOPT was sent").isEqualTo("alive");

    ChannelsCommandTest.Run alive = ChannelsCommandTest.run("channels", "list", "--alive", "--json", "--playlist", file.toString(),
        "--data", data);
    assertThat(alive.exit()).as(alive.err()).isZero();
    List<String> ids = new java.util.ArrayList<>();
    json.readTree(alive.out()).forEach(c -> ids.add(c.get("id").asText()));
    assertThat(ids).containsExactly("Multi.uk", "Ref.de");

    ChannelsCommandTest.Run search = ChannelsCommandTest.run("channels", "search", "gone", "--json", "--playlist", file.toString(),
        "--data", data);
    assertThat(json.readTree(search.out()).get(0).get("status").asText()).isEqualTo("dead");
  }

  @Test
  void check_text_printsSummaryTableAndOneLinePerSource() throws Exception {
    Run r = run("--playlist", playlist().toString(), "--data", dir.resolve("data").toString(), "--timeout", "2s");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Checked 5 sources in ");
    assertThat(r.out()).containsPattern("(?m)^  alive\\s+2$").containsPattern("(?m)^  dead\\s+2$")
        .containsPattern("(?m)^  geo-blocked\\s+1$").containsPattern("(?m)^  timeout\\s+0$");
    assertThat(r.out()).containsPattern("(?m)^  geo-blocked\\s+451 .*Blocked");
  }

  @Test
  void check_withoutPlaylists_isUsageError() {
    Run r = run("--data", dir.resolve("data").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("kanal: no playlists to check");
  }

  @Test
  void check_badFlags_areUsageErrors() throws Exception {
    assertThat(run("--playlist", playlist().toString(), "--timeout", "soon").exit()).isEqualTo(2);
    Run r = run("--playlist", playlist().toString(), "--concurrency", "0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--concurrency must be between 1 and 1024");
  }

  @Test
  void check_missingPlaylist_failsWithOneLine() {
    Run r = run("--playlist", dir.resolve("nope.m3u").toString(), "--data", dir.resolve("data").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).contains("nope.m3u: no such file");
  }
}
