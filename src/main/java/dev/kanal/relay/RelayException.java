package dev.kanal.relay;

/**
 * Why the relay cannot answer a request, as the HTTP status to send and one sentence for the
 * {@code {"error": ...}} body (never a token, a query string or a stack trace).
 */
public class RelayException extends RuntimeException {

  private final int status;

  /** A failure answered with {@code status}. */
  public RelayException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** The HTTP status to answer: 403 refused, 404 unknown, 502 upstream failed, 504 upstream timed out. */
  public int status() {
    return status;
  }
}
