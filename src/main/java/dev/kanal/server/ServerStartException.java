package dev.kanal.server;

/** The server could not start; the message is one sentence fit for users. */
public final class ServerStartException extends Exception {

  ServerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
