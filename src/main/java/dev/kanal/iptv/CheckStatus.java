package dev.kanal.iptv;

import java.util.Locale;

/**
 * The health of one stream URL: the verdict of a health check ({@code status} in
 * {@code channels check --json}) and a catalog source's last known status ({@code status} in
 * {@code channels list --json}), {@link #UNKNOWN} until a check has run.
 */
public enum CheckStatus {
  /** The stream answers and media starts to arrive (for HLS: the first segment of the lowest variant). */
  ALIVE(0),
  /** HTTP 4xx/5xx other than 403/451, connection refused, unknown host, or a redirect loop. */
  DEAD(5),
  /** HTTP 403 or 451: the server refuses this client, usually by country. */
  GEO_BLOCKED(2),
  /** No verdict within the per-check timeout (connect, first byte, or the whole check). */
  TIMEOUT(3),
  /** The server answers, but not with a playlist or a stream (HTML, garbage, an empty playlist). */
  INVALID(4),
  /** Not checked yet, not checked (total deadline reached), or an unexpected failure. */
  UNKNOWN(1);

  private final int rank;

  CheckStatus(int rank) {
    this.rank = rank;
  }

  /**
   * Lower is better: a channel's sources are ordered by priority, then by this rank (alive, unknown,
   * geo-blocked, timeout, invalid, dead), and a channel shows its best source's status.
   */
  public int rank() {
    return rank;
  }

  /** The name used in JSON, tables and the store: {@code alive}, {@code geo-blocked}, ... */
  public String text() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The status named by {@link #text()}, ignoring case and surrounding blanks; {@link #UNKNOWN} for anything else. */
  public static CheckStatus ofText(String text) {
    if (text != null) {
      for (CheckStatus s : values()) {
        if (s.text().equalsIgnoreCase(text.strip())) {
          return s;
        }
      }
    }
    return UNKNOWN;
  }
}
