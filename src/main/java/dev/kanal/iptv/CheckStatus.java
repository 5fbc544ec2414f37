package dev.kanal.iptv;

import java.util.Locale;

/** The verdict of one health check of one stream URL ({@code status} in {@code channels check --json}). */
public enum CheckStatus {
  /** The stream answers and media starts to arrive (for HLS: the first segment of the lowest variant). */
  ALIVE,
  /** HTTP 4xx/5xx other than 403/451, connection refused, unknown host, or a redirect loop. */
  DEAD,
  /** HTTP 403 or 451: the server refuses this client, usually by country. */
  GEO_BLOCKED,
  /** No verdict within the per-check timeout (connect, first byte, or the whole check). */
  TIMEOUT,
  /** The server answers, but not with a playlist or a stream (HTML, garbage, an empty playlist). */
  INVALID,
  /** Not checked (total deadline reached) or an unexpected failure. */
  UNKNOWN;

  /** The name used in JSON, tables and the store: {@code alive}, {@code geo-blocked}, ... */
  public String text() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The status named by {@link #text()}. */
  public static CheckStatus ofText(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
