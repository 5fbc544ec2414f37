package dev.kanal.archfixture.playlist;

import dev.kanal.archfixture.server.Router;

/** A deliberate violation for ArchitectureTest: playlist must not use server. */
public final class UsesServer {
  /** Uses the server package. */
  public static String route() {
    return new Router().toString();
  }
}
