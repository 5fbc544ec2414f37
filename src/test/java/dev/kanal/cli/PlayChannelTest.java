package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kanal play|record <channel>}: names and ids resolved through the catalog, with the source's headers. */
class PlayChannelTest {

  @TempDir
  Path dir;

  private Path playlist() throws Exception {
    Path file = dir.resolve("tv.m3u");
    Files.writeString(file, """
        #EXTM3U
        #EXTINF:-1 tvg-id="Arte.fr" tvg-country="FR",Arte
        #EXTVLCOPT:http-user-agent=Kanal Box/2.0
        #EXTVLCOPT:http-referrer=https://arte.example/live
        #EXTVLCOPT:http-origin=https://arte.example
        https://cdn.arte.example/live/index.m3u8
        #EXTINF:-1 tvg-id="CCTV13.cn",CCTV-13 新闻
        http://cctv.example/13/index.m3u8
        """);
    return file;
  }

  private KanalCliTest.Run play(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("play"));
    all.addAll(List.of(args));
    all.addAll(List.of("--playlist", playlist().toString(), "--data", dir.resolve("data").toString(), "--dry-run"));
    return KanalCliTest.run(all.toArray(String[]::new));
  }

  @Test
  void play_channelName_dryRunPassesTheSourcesHeadersToMpv() throws Exception {
    KanalCliTest.Run r = play("arte", "--player", "mpv");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("mpv '--http-header-fields=Origin: https://arte.example' '--user-agent=Kanal Box/2.0'"
        + " --referrer=https://arte.example/live --force-media-title=Arte https://cdn.arte.example/live/index.m3u8\n");
    assertThat(r.err()).contains("Arte (Arte.fr)").contains("https://cdn.arte.example/live/index.m3u8");
  }

  @Test
  void play_channelId_dryRunPassesTheSourcesHeadersToVlc() throws Exception {
    KanalCliTest.Run r = play("Arte.fr", "--player", "vlc");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("vlc https://cdn.arte.example/live/index.m3u8 ':http-user-agent=Kanal Box/2.0'"
        + " :http-referrer=https://arte.example/live");
  }

  @Test
  void play_channelWithHeaderFlags_flagsWinOverTheSourcesHeaders() throws Exception {
    KanalCliTest.Run r = play("arte", "--player", "mpv", "--user-agent", "Mine/1", "-H", "X-Token: t");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("--user-agent=Mine/1 ").doesNotContain("Kanal Box")
        .contains("--referrer=https://arte.example/live").contains("X-Token: t").contains("Origin: https://arte.example");
  }

  @Test
  void play_chineseSubstring_resolvesTheChannel() throws Exception {
    KanalCliTest.Run r = play("新闻", "--player", "mpv");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).endsWith(" http://cctv.example/13/index.m3u8\n");
  }

  @Test
  void play_unknownChannel_isOneLineExit1SuggestingSearch() throws Exception {
    KanalCliTest.Run r = play("Zzyzx Nonexistent", "--player", "mpv");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList()).singleElement().asString()
        .startsWith("kanal: no channel 'Zzyzx Nonexistent' in the catalog").contains("kanal channels search");
  }

  @Test
  void record_unknownChannel_isOneLineExit1() throws Exception {
    KanalCliTest.Run r = KanalCliTest.run("record", "Zzyzx Nonexistent", "-o", dir.resolve("x.ts").toString(),
        "--playlist", playlist().toString(), "--data", dir.resolve("data").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().lines().toList()).singleElement().asString()
        .contains("'Zzyzx Nonexistent'").contains("kanal channels search");
  }
}
