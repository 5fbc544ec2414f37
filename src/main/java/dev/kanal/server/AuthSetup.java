package dev.kanal.server;

import dev.kanal.auth.Accounts;
import dev.kanal.config.KanalConfig.AuthConfig;
import java.util.Objects;

/**
 * What access control needs (issue #13).
 *
 * @param accounts users, logins and tokens (SQLite or Redis); closed by its owner, not the server
 * @param config {@code server.auth}: session TTL, login attempts and window, secure cookies
 * @param required whether requests must prove who they act for ({@code auth.AuthMode}); without it
 *     every request acts for the user {@code default}, as before access control existed
 */
public record AuthSetup(Accounts accounts, AuthConfig config, boolean required) {
  public AuthSetup {
    Objects.requireNonNull(accounts, "accounts");
    Objects.requireNonNull(config, "config");
  }
}
