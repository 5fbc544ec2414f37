package dev.kanal.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.kanal.testing.Browser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The vendored hls.js is the pinned file and loads in the test browser. */
class BrowserSmokeTest {

  static final Path HLS_JS = Path.of("src/main/resources/web/vendor/hls.js-1.7.4");

  @Test
  void vendoredHlsJsMatchesItsChecksum() throws Exception {
    String expected = Files.readString(HLS_JS.resolve("SHA256SUMS"), StandardCharsets.US_ASCII).split("\\s+")[0];
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(HLS_JS.resolve("hls.min.js")));
    assertThat(HexFormat.of().formatHex(digest)).isEqualTo(expected);
  }

  @Test
  void chromiumRunsHlsJsWithMediaSource() throws Exception {
    try (Browser browser = Browser.start()) {
      Page page = browser.newPage();
      page.setContent("<html><body><video id=v></video></body></html>");
      page.addScriptTag(new Page.AddScriptTagOptions().setPath(HLS_JS.resolve("hls.min.js")));
      assertThat(page.evaluate("() => Hls.version")).isEqualTo("1.7.4");
      assertThat(page.evaluate("() => Hls.isSupported()")).isEqualTo(true);
    }
  }
}
