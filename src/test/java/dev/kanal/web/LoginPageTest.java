package dev.kanal.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.kanal.auth.Accounts;
import dev.kanal.auth.Role;
import dev.kanal.config.KanalConfig.AuthConfig;
import dev.kanal.config.KanalConfig.PlaybackConfig;
import dev.kanal.server.AuthSetup;
import dev.kanal.server.KanalServer;
import dev.kanal.server.Metrics;
import dev.kanal.server.PlaybackSetup;
import dev.kanal.store.Database;
import dev.kanal.store.PlaybackStore;
import dev.kanal.store.UserStore;
import dev.kanal.testing.Browser;
import dev.kanal.testing.LanAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web UI with access control on: the login form on 401, a wrong password's message, the user and logout. */
class LoginPageTest {

  @TempDir Path dir;

  @Test
  void page_showsTheLoginForm_logsIn_andLogsOut() throws Exception {
    PlaybackConfig playback = new PlaybackConfig(Duration.ofSeconds(90), 100, Duration.ofDays(1));
    try (Database db = Database.open(dir.resolve("kanal.db")); Metrics metrics = Metrics.create("test");
        Browser browser = Browser.start()) {
      Accounts accounts = Accounts.create(UserStore.sqlite(db), Duration.ofDays(1), Clock.systemUTC());
      accounts.addUser("alice", "alice password", Role.ADMIN);
      AuthConfig auth = new AuthConfig("on", false, Duration.ofDays(1), 100, Duration.ofMinutes(15), "auto");
      KanalServer server = KanalServer.start(new KanalServer.Options(LanAddress.ipv4(), 0, "test", Duration.ofSeconds(2),
          Optional.empty(), Optional.empty()).withPlayback(new PlaybackSetup(PlaybackStore.sqlite(db, playback,
          Clock.systemUTC()), playback, Clock.systemUTC())), metrics, Optional.of(new AuthSetup(accounts, auth, true)));
      try {
        Page page = browser.newPage();
        page.navigate(server.url() + "/#/library");
        page.waitForSelector("[data-testid=login-user]");
        page.fill("[data-testid=login-user]", "alice");
        page.fill("[data-testid=login-password]", "wrong password");
        page.click("[data-testid=login-submit]");
        page.waitForSelector("[data-testid=login-error]:has-text('wrong user name or password')");

        page.fill("[data-testid=login-password]", "alice password");
        page.click("[data-testid=login-submit]");
        page.waitForSelector("[data-testid=user-name]:has-text('alice (admin)')");
        assertThat(page.locator("[data-testid=login-user]").count()).isZero();
        // Saving progress goes through with the cookie (the Origin check passes for the page's own requests).
        Object status = page.evaluate("() => fetch('/api/progress/v1', {method: 'PUT', headers: {'Content-Type': 'application/json'},"
            + " body: JSON.stringify({position: 1, duration: 10, deviceId: 'web'})}).then(r => r.status)");
        assertThat(status).isEqualTo(200);

        page.click("[data-testid=logout]");
        page.waitForSelector("[data-testid=login-user]");
      } finally {
        server.close();
      }
    }
  }
}
