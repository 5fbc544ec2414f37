package dev.kanal.iptv;

import java.util.Map;
import java.util.Objects;

/**
 * One stream source to check.
 *
 * @param channelId the channel the source belongs to (tvg-id or the catalog's id); may be empty
 * @param name the channel name, for output
 * @param url the stream URL (http or https)
 * @param headers the HTTP headers the channel needs (User-Agent, Referer, Origin, Cookie...), sent on
 *     every request of the check and to ffprobe
 */
public record CheckTarget(String channelId, String name, String url, Map<String, String> headers) {

  /** Checks for nulls and copies the headers. */
  public CheckTarget {
    Objects.requireNonNull(channelId, "channelId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    headers = Map.copyOf(headers);
  }
}
