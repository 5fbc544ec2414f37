package dev.kanal.auth;

import java.util.Optional;

/**
 * Who a request acts for, and how they proved it.
 *
 * @param user the user's name
 * @param role the user's role
 * @param via a login session (cookie), an API token or a player token
 * @param tokenId the token's id when {@code via} is a token
 */
public record Principal(String user, Role role, Via via, Optional<String> tokenId) {

  /** How a request proved who it acts for. */
  public enum Via {
    /** The session cookie of a login. */
    SESSION,
    /** An API token ({@code Authorization: Bearer}). */
    API_TOKEN,
    /** A player token: media only, read-only. */
    PLAYER_TOKEN
  }

  /** Whether this may do what only admins may (an admin's player token may not). */
  public boolean admin() {
    return role == Role.ADMIN && via != Via.PLAYER_TOKEN;
  }
}
