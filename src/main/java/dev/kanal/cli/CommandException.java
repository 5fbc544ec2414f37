package dev.kanal.cli;

/** A command failed in a way the user can act on; the message is the one line they see. */
public final class CommandException extends Exception {

  private final int exitCode;

  /** A failure with exit code 1. */
  public CommandException(String message) {
    this(message, 1, null);
  }

  /** A failure with an explicit exit code and an optional cause (shown with --debug). */
  public CommandException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit code. */
  public int exitCode() {
    return exitCode;
  }
}
