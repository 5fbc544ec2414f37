package dev.kanal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kanal.config.KanalConfig.AuthConfig;
import dev.kanal.config.KanalConfig.LimitsConfig;
import dev.kanal.config.KanalConfig.ServerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The pure rules of access control: the mode, rate limiting, password hashes. */
class AuthRulesTest {

  static ServerConfig server(String host, String mode, boolean allowOpen) {
    return new ServerConfig(host, 8080, Duration.ofSeconds(5), LimitsConfig.defaults(),
        new AuthConfig(mode, allowOpen, Duration.ofDays(30), 10, Duration.ofMinutes(15), "auto"));
  }

  @Test
  void mode_autoIsRequiredOffLoopbackOnly_onAlways_offRefusedOnTheLanUnlessAllowOpen() {
    assertThat(AuthMode.required(server("127.0.0.1", "auto", false))).isFalse();
    assertThat(AuthMode.required(server("::1", "auto", false))).isFalse();
    assertThat(AuthMode.required(server("localhost", "auto", false))).isFalse();
    assertThat(AuthMode.required(server("0.0.0.0", "auto", false))).isTrue();
    assertThat(AuthMode.required(server("::", "auto", false))).isTrue();
    assertThat(AuthMode.required(server("192.0.2.2", "auto", false))).isTrue();
    assertThat(AuthMode.required(server("127.0.0.1", "on", false))).isTrue();
    assertThat(AuthMode.required(server("127.0.0.1", "off", false))).isFalse();
    assertThat(AuthMode.required(server("0.0.0.0", "off", true))).isFalse();
    assertThatThrownBy(() -> AuthMode.required(server("0.0.0.0", "off", false)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("server.auth.mode is off")
        .hasMessageContaining("allowOpen");
  }

  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void limiter_blocksPerAddressAndPerName_untilTheOldestFailureLeavesTheWindow() {
    MovableClock clock = new MovableClock();
    LoginLimiter limiter = new LoginLimiter(3, Duration.ofMinutes(10), clock);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.blocked("10.0.0.1", "alice")).isEmpty();
      limiter.failed("10.0.0.1", "alice");
      clock.now = clock.now.plusSeconds(60);
    }
    assertThat(limiter.blocked("10.0.0.1", "alice")).contains(Duration.ofMinutes(7));
    assertThat(limiter.blocked("10.0.0.2", "alice")).as("the name").isPresent();
    assertThat(limiter.blocked("10.0.0.1", "bob")).as("the address").isPresent();
    assertThat(limiter.blocked("10.0.0.2", "bob")).isEmpty();
    clock.now = clock.now.plus(Duration.ofMinutes(7));
    assertThat(limiter.blocked("10.0.0.1", "alice")).isEmpty();
  }

  @Test
  void limiter_successClearsTheNameNotTheAddress() {
    LoginLimiter limiter = new LoginLimiter(2, Duration.ofMinutes(10), new MovableClock());
    limiter.failed("10.0.0.1", "alice");
    limiter.failed("10.0.0.1", "alice");
    limiter.succeeded("alice");
    assertThat(limiter.blocked("10.0.0.9", "alice")).isEmpty();
    assertThat(limiter.blocked("10.0.0.1", "carol")).isPresent();
  }

  @Test
  void passwords_argon2idWithASaltEach_verifiedOnlyByTheRightPassword() {
    String a = Passwords.hash("correct horse");
    String b = Passwords.hash("correct horse");
    assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(b).doesNotContain("correct horse");
    assertThat(Passwords.verify("correct horse", a)).isTrue();
    assertThat(Passwords.verify("correct horse", b)).isTrue();
    assertThat(Passwords.verify("correct hors", a)).isFalse();
    assertThat(Passwords.verify("correct horse", "plain text")).isFalse();
    assertThat(Passwords.verify("correct horse", "$argon2id$garbage")).isFalse();
  }
}
