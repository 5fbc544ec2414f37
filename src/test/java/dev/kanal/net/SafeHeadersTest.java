package dev.kanal.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.hls.Players;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Headers from playlists ({@code #EXTVLCOPT}, {@code #KODIPROP}, source headers) cannot split a request,
 * smuggle a header or reach a terminal as control characters, wherever they are sent (issue #13).
 */
class SafeHeadersTest {

  static Map<String, String> hostile() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("User-Agent", "UA\r\nX-Injected: 1\u0000\u001b[31m");
    h.put("Referer", "http://r.example/\nSet-Cookie: a=b");
    h.put("Bad Name", "dropped");
    h.put("X-Evil\r\nHost", "dropped too");
    h.put("X-Ok", "fine\tvalue");
    return h;
  }

  @Test
  void clean_dropsBadNames_andTurnsControlCharactersIntoSpaces() {
    Map<String, String> clean = SafeHeaders.clean(hostile());
    assertThat(clean.keySet()).containsExactly("User-Agent", "Referer", "X-Ok");
    clean.values().forEach(v -> assertThat(v.chars()).noneMatch(c -> c < 0x20 && c != '\t' || c == 0x7f));
    assertThat(clean.get("User-Agent")).isEqualTo("UA  X-Injected: 1  [31m");
  }

  @Test
  void ffmpegOptions_haveTheNetworkWhitelist_andOneHeaderPerLine() {
    List<String> args = FfmpegNetworkInput.options(hostile(), "Kanal");
    assertThat(args).containsSubsequence("-protocol_whitelist", "http,https,tcp,tls,crypto,httpproxy");
    assertThat(args.get(args.indexOf("-protocol_whitelist") + 1)).doesNotContain("file").doesNotContain("concat")
        .doesNotContain("subfile").doesNotContain("data").doesNotContain("udp");
    String headers = args.get(args.indexOf("-headers") + 1);
    assertThat(headers.split("\r\n")).containsExactly("Referer: http://r.example/ Set-Cookie: a=b", "X-Ok: fine\tvalue");
    assertThat(args.get(args.indexOf("-user_agent") + 1)).doesNotContain("\r").doesNotContain("\n");
  }

  @Test
  void playerCommands_carryNoControlCharacters() {
    for (Players.Player player : Players.Player.values()) {
      Players.PlayerCommand c = Players.command(player, "p", "https://cdn.example/live.m3u8", hostile(),
          Optional.of("Title\r\n--script=/tmp/x.lua"));
      for (String arg : c.argv()) {
        assertThat(arg.chars()).as(arg).noneMatch(ch -> ch < 0x20 && ch != '\t' || ch == 0x7f);
      }
      assertThat(c.argv()).noneMatch(a -> a.startsWith("--script"));
    }
  }
}
