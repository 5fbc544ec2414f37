package dev.kanal.playlist;

import java.util.Objects;

/**
 * One finding of {@link PlaylistValidator}.
 *
 * @param severity ERROR for a violated MUST of RFC 8216 / RFC 8216bis, WARNING for a recommendation
 *     (Apple HLS Authoring Specification) or a tolerated parse problem
 * @param line the 1-based line the finding is about, or 0 when it concerns the whole playlist
 * @param code a stable identifier of the rule, e.g. {@code EXTINF-OVER-TARGET}
 * @param message one sentence saying what is wrong
 */
public record ValidationIssue(Severity severity, int line, String code, String message) {

  /** Requires every component. */
  public ValidationIssue {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /** How serious a finding is. */
  public enum Severity {
    /** The playlist breaks a rule of the specification; players may reject it. */
    ERROR,
    /** The playlist works but goes against a recommendation. */
    WARNING
  }

  /** The form {@code ERROR line 12 EXTINF-OVER-TARGET: message}. */
  @Override
  public String toString() {
    return severity + (line > 0 ? " line " + line : "") + " " + code + ": " + message;
  }
}
