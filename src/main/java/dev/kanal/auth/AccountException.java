package dev.kanal.auth;

/** A request about accounts that cannot be done: bad input, an unknown user or token, a conflict; one sentence. */
public final class AccountException extends Exception {

  /** Why it failed, for the HTTP status or exit code it maps to. */
  public enum Reason {
    /** The input is malformed (400). */
    BAD_INPUT,
    /** The user or token does not exist (404). */
    NOT_FOUND,
    /** It clashes with what exists: a taken name, the last admin (409). */
    CONFLICT
  }

  private final Reason reason;
  private final String field;

  AccountException(Reason reason, String field, String message) {
    super(message);
    this.reason = reason;
    this.field = field;
  }

  /** Why it failed. */
  public Reason reason() {
    return reason;
  }

  /** The input it names ({@code name}, {@code password}, {@code label}...), or empty. */
  public String field() {
    return field;
  }
}
