package dev.kanal.archfixture.server;

import dev.kanal.archfixture.playlist.UsesServer;

/** Fixture for ArchitectureTest: server may use playlist. */
public final class Router {
  /** Uses the playlist package, which is allowed. */
  public Class<?> playlist() {
    return UsesServer.class;
  }
}
