package dev.kanal.iptv;

import java.util.Locale;

/** The health of one stream URL, as the checker reports it; {@link #UNKNOWN} until it has run. */
public enum SourceStatus {
  /** The stream answered and (for HLS) its first segment started downloading. */
  ALIVE(0),
  /** Not checked yet, or the last check could not decide. */
  UNKNOWN(1),
  /** HTTP 403 or 451: the stream refuses this network. */
  GEO_BLOCKED(2),
  /** No answer within the check's timeout. */
  TIMEOUT(3),
  /** An answer that is not a playlist or a stream. */
  INVALID(4),
  /** HTTP 4xx/5xx (other than 403/451) or a refused connection. */
  DEAD(5);

  private final int rank;

  SourceStatus(int rank) {
    this.rank = rank;
  }

  /** Lower is better: sources of a channel are ordered by priority, then by this rank. */
  public int rank() {
    return rank;
  }

  /** The name in JSON and text output: {@code alive}, {@code geo-blocked}, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The status of a wire name, ignoring case; {@link #UNKNOWN} for anything else. */
  public static SourceStatus fromWireName(String name) {
    if (name != null) {
      for (SourceStatus s : values()) {
        if (s.wireName().equalsIgnoreCase(name.strip())) {
          return s;
        }
      }
    }
    return UNKNOWN;
  }
}
