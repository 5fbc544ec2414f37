package dev.kanal.auth;

import java.util.Locale;
import java.util.Optional;

/** The kinds of token a user can make. */
public enum TokenKind {
  /** Acts as the user ({@code Authorization: Bearer}), for scripts: everything the user may do. */
  API,
  /** Opens media only, read-only (playlists, guide, streams, files, HDHomeRun), for players that cannot log in. */
  PLAYER;

  /** The name stored and shown: {@code api} or {@code player}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind of that label. */
  public static Optional<TokenKind> of(String label) {
    for (TokenKind k : values()) {
      if (k.label().equals(label)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
