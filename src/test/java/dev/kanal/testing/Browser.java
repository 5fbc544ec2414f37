package dev.kanal.testing;

import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Headless Chromium for browser tests: Debian's {@code /usr/bin/chromium} (installed by
 * {@code .ci/run}) driven by Playwright, which never downloads a browser of its own. The flags keep
 * Chromium off the network it cannot reach here (background updates, sync, QUIC). One per test
 * class; close it after.
 */
public final class Browser implements AutoCloseable {

  /** Where Debian puts Chromium. */
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private final Playwright playwright;
  private final com.microsoft.playwright.Browser browser;

  private Browser(Playwright playwright, com.microsoft.playwright.Browser browser) {
    this.playwright = playwright;
    this.browser = browser;
  }

  /** Starts headless Chromium; fails with a sentence naming the package when it is not installed. */
  public static Browser start() {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new IllegalStateException(CHROMIUM + " is missing: install Debian's chromium (apt-get install chromium), as .ci/run does");
    }
    Playwright playwright = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    try {
      com.microsoft.playwright.Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
          .setExecutablePath(CHROMIUM)
          .setHeadless(true)
          .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--autoplay-policy=no-user-gesture-required", "--mute-audio")));
      return new Browser(playwright, browser);
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
  }

  /** A new page in a fresh context (no shared cookies or cache). */
  public Page newPage() {
    return browser.newContext().newPage();
  }

  @Override
  public void close() {
    try {
      browser.close();
    } finally {
      playwright.close();
    }
  }
}
