package dev.kanal.hls;

import java.net.URI;

/**
 * Where segment downloads are counted and timed. The server counts them in its Micrometer
 * registry ({@link MicrometerDownloadMetrics}); a command-line recording counts nothing, so it
 * never loads Micrometer (nor, through Micrometer's logging, Logback): a quarter of a second of
 * start-up on a small machine.
 */
interface DownloadMetrics {

  /** Counts nothing. */
  DownloadMetrics NONE = new DownloadMetrics() {
    @Override
    public void attempt(URI uri, String outcome) {}

    @Override
    public void downloaded(URI uri, long nanos) {}
  };

  /** One download attempt of a segment or init section ended: {@code ok}, {@code retry} or {@code failed}. */
  void attempt(URI uri, String outcome);

  /** A segment or init section was downloaded, body included, in this many nanoseconds. */
  void downloaded(URI uri, long nanos);

  /** The upstream host label of a URI. */
  static String host(URI uri) {
    return uri.getHost() == null ? "" : uri.getHost();
  }
}
