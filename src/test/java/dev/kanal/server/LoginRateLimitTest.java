package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.auth.Accounts;
import dev.kanal.auth.Role;
import dev.kanal.config.KanalConfig.AuthConfig;
import dev.kanal.store.Database;
import dev.kanal.store.UserStore;
import dev.kanal.testing.LanAddress;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login rate limiting: past {@code loginAttempts} failures in the window, 429 with Retry-After, even with the right password. */
class LoginRateLimitTest {

  @TempDir Path dir;

  @Test
  void failedLogins_pastTheLimit_are429WithRetryAfter_evenWithTheRightPassword() throws Exception {
    try (Database db = Database.open(dir.resolve("kanal.db")); Metrics metrics = Metrics.create("test")) {
      Accounts accounts = Accounts.create(UserStore.sqlite(db), Duration.ofDays(1), Clock.systemUTC());
      accounts.addUser("alice", "right password", Role.ADMIN);
      AuthConfig config = new AuthConfig("on", false, Duration.ofDays(1), 3, Duration.ofMinutes(15), "auto");
      KanalServer server = KanalServer.start(new KanalServer.Options(LanAddress.ipv4(), 0, "test", Duration.ofSeconds(2),
          Optional.empty(), Optional.empty()), metrics, Optional.of(new AuthSetup(accounts, config, true)));
      try {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) {
          assertThat(login(http, server, "alice", "wrong password").statusCode()).isEqualTo(401);
        }
        HttpResponse<String> limited = login(http, server, "alice", "right password");
        assertThat(limited.statusCode()).isEqualTo(429);
        long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 900L);
        assertThat(new JsonObject(limited.body()).getString("error")).contains("too many failed logins");
        // The address is limited too: another name from the same client waits as well.
        assertThat(login(http, server, "bob", "whatever!").statusCode()).isEqualTo(429);
      } finally {
        server.close();
      }
    }
  }

  static HttpResponse<String> login(HttpClient http, KanalServer server, String user, String password) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/login"))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("user", user).put("password", password).encode()))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }
}
