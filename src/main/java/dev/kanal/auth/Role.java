package dev.kanal.auth;

import java.util.Locale;
import java.util.Optional;

/** What a user may do: an admin manages settings, sources, packaging, deletions and users; a user watches. */
public enum Role {
  /** Everything a user may, plus settings, sources, packaging, deleting and user management. */
  ADMIN,
  /** Watching, their own progress, sessions and tokens. */
  USER;

  /** The name stored and shown: {@code admin} or {@code user}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role of that label. */
  public static Optional<Role> of(String label) {
    for (Role r : values()) {
      if (r.label().equals(label)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
