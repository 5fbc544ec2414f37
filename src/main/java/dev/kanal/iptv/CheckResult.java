package dev.kanal.iptv;

import dev.kanal.playlist.MasterPlaylist;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The outcome of checking one source.
 *
 * @param channelId the target's channel id
 * @param name the target's channel name
 * @param url the URL checked (as given, before redirects)
 * @param status the verdict
 * @param httpStatus the status code of the last HTTP response that decided the verdict, if any
 * @param latencyMs wall-clock milliseconds from the start of the check to the verdict
 * @param detail one short sentence saying why (e.g. {@code "first segment answered HTTP 404"})
 * @param variants the number of variants of an HLS multivariant playlist (0 for a media playlist or a plain stream)
 * @param maxResolution the largest RESOLUTION among the variants (#EXT-X-STREAM-INF), if any
 * @param maxBandwidth the largest BANDWIDTH among the variants (#EXT-X-STREAM-INF), bits per second, if any
 * @param checkedAt when the check started
 */
public record CheckResult(String channelId, String name, String url, CheckStatus status, OptionalInt httpStatus,
    long latencyMs, String detail, int variants, Optional<MasterPlaylist.Resolution> maxResolution,
    OptionalLong maxBandwidth, Instant checkedAt) {

  /** Checks for nulls. */
  public CheckResult {
    Objects.requireNonNull(channelId, "channelId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(httpStatus, "httpStatus");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(maxResolution, "maxResolution");
    Objects.requireNonNull(maxBandwidth, "maxBandwidth");
    Objects.requireNonNull(checkedAt, "checkedAt");
  }

  /** True when the verdict is {@link CheckStatus#ALIVE}. */
  public boolean alive() {
    return status == CheckStatus.ALIVE;
  }
}
