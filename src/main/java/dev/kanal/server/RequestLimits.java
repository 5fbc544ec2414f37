package dev.kanal.server;

import dev.kanal.config.KanalConfig.LimitsConfig;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * What the routes themselves enforce of {@code server.limits} (issue #13): the largest request body, the
 * nesting depth of JSON bodies and the number of ranges in one {@code Range} header.
 *
 * @param maxBodySize bytes of a request body; a route with a smaller limit of its own keeps it
 * @param maxJsonDepth nesting of arrays and objects in a JSON body
 * @param maxRanges ranges of one {@code Range} header; more serve the whole file
 */
record RequestLimits(long maxBodySize, int maxJsonDepth, int maxRanges) {

  /** The limits of {@link LimitsConfig#defaults()}. */
  static final RequestLimits DEFAULTS = of(LimitsConfig.defaults());

  /** The route-level part of {@code limits}. */
  static RequestLimits of(LimitsConfig limits) {
    return new RequestLimits(limits.maxBodySize().bytes(), limits.maxJsonDepth(), limits.maxRanges());
  }

  /** The body limit of a route whose own limit is {@code routeLimit}: the smaller of the two. */
  long bodyLimit(long routeLimit) {
    return Math.min(routeLimit, maxBodySize);
  }

  /** A body handler (no uploads) reading at most {@link #bodyLimit} bytes; more is 413. */
  BodyHandler bodyHandler(long routeLimit) {
    return BodyHandler.create(false).setBodyLimit(bodyLimit(routeLimit));
  }
}
