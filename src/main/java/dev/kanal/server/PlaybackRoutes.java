package dev.kanal.server;

import dev.kanal.config.Durations;
import dev.kanal.server.JsonInput.BadInput;
import dev.kanal.store.PlaybackSession;
import dev.kanal.store.PlaybackStore;
import dev.kanal.store.ProgressEntry;
import dev.kanal.store.QoeDelta;
import dev.kanal.store.QoeEvent;
import dev.kanal.store.QoeSummary;
import dev.kanal.store.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Playback state over HTTP: resume positions ({@code /api/progress}), playback sessions with
 * heartbeats ({@code /api/sessions}), player analytics ({@code /api/qoe}). Built once per server and
 * mounted on every event loop's router; store calls run on the server's virtual threads, and a
 * named background thread sweeps expired sessions and refreshes {@code kanal_active_sessions}.
 */
final class PlaybackRoutes implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PlaybackRoutes.class);

  /** The user when access control is off; with it on, {@link #user} is the one the request proved. */
  static final String DEFAULT_USER = "default";
  /** Video ids as the library makes them. */
  static final Pattern VIDEO_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  /** Channel ids as the catalog makes them. */
  static final Pattern CHANNEL_ID = Pattern.compile("[A-Za-z0-9_.~-]{1,128}");
  /** Device ids: chosen by players, URL-safe. */
  static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_.:~-]{1,128}");
  /** Session ids as made here (128 random bits, base64url), with room for other formats. */
  static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  /** Positions and durations beyond this (30 days) are absurd. */
  static final double MAX_SECONDS = 30 * 24 * 3600;
  /** Bitrates and bandwidth estimates beyond this (1 Tbit/s) are absurd. */
  static final long MAX_BITRATE = 1_000_000_000_000L;
  /** A client clock may run ahead of ours by this much; more is refused. */
  static final Duration MAX_CLOCK_AHEAD = Duration.ofDays(1);
  /** Bodies of progress and session requests. */
  static final int SMALL_BODY_LIMIT = 16 * 1024;
  /** Bodies of QoE batches. */
  static final int QOE_BODY_LIMIT = 256 * 1024;

  /** The server's limits (body size, JSON depth); set by {@link #mount(Router, RequestLimits)}. */
  private volatile RequestLimits limits = RequestLimits.DEFAULTS;
  /** Events per QoE batch. */
  static final int MAX_EVENTS = 500;
  /** Characters of an event's {@code detail}. */
  static final int MAX_DETAIL = 500;
  /** "Continue watching" entries per request. */
  static final int MAX_CONTINUE = 100;
  /** Sessions listed by {@code /api/sessions/active}. */
  static final int MAX_LISTED = 1000;
  /** Sessions a QoE summary looks at, at most (newest first). */
  static final int MAX_SUMMARY_SESSIONS = 100_000;

  private final Vertx vertx;
  private final PlaybackStore store;
  private final PlaybackSetup setup;
  private final Optional<VideoLibrary> videos;
  private final ExecutorService blocking;
  private final PlaybackMetrics metrics;
  private final ScheduledExecutorService sweeper;
  private final SecureRandom random = new SecureRandom();

  PlaybackRoutes(Vertx vertx, PlaybackSetup setup, Optional<VideoLibrary> videos, ExecutorService blocking,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.store = setup.store();
    this.setup = setup;
    this.videos = videos;
    this.blocking = blocking;
    this.metrics = new PlaybackMetrics(registry);
    this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("kanal-playback-sweeper")
        .factory());
    long every = Math.clamp(setup.config().sessionTtl().toMillis() / 4, 250, 5000);
    sweeper.scheduleWithFixedDelay(this::sweep, 0, every, TimeUnit.MILLISECONDS);
  }

  void mount(Router router) {
    mount(router, RequestLimits.DEFAULTS);
  }

  /** Mounts the routes with {@code server.limits}: the body limits below are lowered to its maxBodySize. */
  void mount(Router router, RequestLimits limits) {
    this.limits = limits;
    BodyHandler small = limits.bodyHandler(SMALL_BODY_LIMIT);
    BodyHandler large = limits.bodyHandler(QOE_BODY_LIMIT);
    router.put("/api/progress/:videoId").handler(small).handler(this::putProgress).failureHandler(this::failed);
    // The same for navigator.sendBeacon, which can only POST: a page that closes saves its position this way.
    router.post("/api/progress/:videoId").handler(small).handler(this::putProgress).failureHandler(this::failed);
    router.get("/api/progress/:videoId").handler(this::getProgress);
    router.get("/api/progress").handler(this::continueWatching);
    router.get("/api/sessions/active").handler(this::active);
    router.post("/api/sessions").handler(small).handler(this::startSession).failureHandler(this::failed);
    router.post("/api/sessions/:id/heartbeat").handler(small).handler(this::heartbeat).failureHandler(this::failed);
    router.delete("/api/sessions/:id").handler(this::endSession);
    router.post("/api/qoe").handler(large).handler(this::qoe).failureHandler(this::failed);
    router.get("/api/qoe/summary").handler(this::summary);
  }

  /** The user a request acts for: the one it proved ({@link AuthHandler}), or {@link #DEFAULT_USER} with access control off. */
  static String user(RoutingContext ctx) {
    return AuthHandler.principal(ctx).map(dev.kanal.auth.Principal::user).orElse(DEFAULT_USER);
  }

  /** Whether the request may see every user's sessions: an admin, or anyone with access control off. */
  private static boolean seesAll(RoutingContext ctx) {
    return AuthHandler.principal(ctx).map(dev.kanal.auth.Principal::admin).orElse(true);
  }

  // ---- progress

  private void putProgress(RoutingContext ctx) {
    String videoId = ctx.pathParam("videoId");
    ProgressEntry entry;
    try {
      entry = progressInput(videoId, ctx.body().buffer(), now(), limits.maxJsonDepth());
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    String user = user(ctx);
    blocking(ctx, () -> {
      if (!videoKnown(videoId)) {
        return null;
      }
      return store.putProgress(user, entry);
    }).onSuccess(update -> {
      if (update == null) {
        unknownVideo(ctx, videoId, 404);
      } else {
        KanalServer.json(ctx, 200, PlaybackJson.progress(update.progress()).put("applied", update.applied()));
      }
    });
  }

  /** Reads a {@code PUT /api/progress/{videoId}} request: the entry to store, or the field that is wrong. */
  static ProgressEntry progressInput(String videoId, Buffer buffer, Instant now) throws BadInput {
    return progressInput(videoId, buffer, now, RequestLimits.DEFAULTS.maxJsonDepth());
  }

  /** As {@link #progressInput(String, Buffer, Instant)}, refusing JSON nested deeper than {@code maxDepth}. */
  static ProgressEntry progressInput(String videoId, Buffer buffer, Instant now, int maxDepth) throws BadInput {
    requireId("videoId", videoId, VIDEO_ID, "1-128 characters of A-Za-z0-9_-");
    JsonInput body = JsonInput.object(buffer, false, maxDepth);
    double duration = body.requireNumber("duration", 0.001, MAX_SECONDS);
    double position = body.requireNumber("position", 0, MAX_SECONDS);
    if (position > duration + 1) {
      throw new BadInput("position", "must not be past 'duration' (" + duration + " s), was " + position);
    }
    String device = body.requireString("deviceId", DEVICE_ID, "1-128 characters of A-Za-z0-9_.:~-");
    Instant updatedAt = clientTime(body, "updatedAt", now).orElse(now);
    return new ProgressEntry(videoId, device, seconds(position), seconds(duration), updatedAt, now);
  }

  private void getProgress(RoutingContext ctx) {
    String videoId = ctx.pathParam("videoId");
    try {
      requireId("videoId", videoId, VIDEO_ID, "1-128 characters of A-Za-z0-9_-");
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    String user = user(ctx);
    blocking(ctx, () -> store.progress(user, videoId)).onSuccess(progress -> {
      if (progress.isEmpty()) {
        KanalServer.json(ctx, 404, KanalServer.error("no progress for video '" + videoId + "'"));
      } else {
        KanalServer.json(ctx, 200, PlaybackJson.progress(progress.get()));
      }
    });
  }

  private void continueWatching(RoutingContext ctx) {
    int limit;
    try {
      limit = queryInteger(ctx, "limit", 20, 1, MAX_CONTINUE);
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    String user = user(ctx);
    blocking(ctx, () -> store.continueWatching(user, limit)).onSuccess(items -> {
      JsonArray out = new JsonArray();
      items.forEach(e -> out.add(PlaybackJson.entry(e).put("videoId", e.videoId()).put("remaining", secs(e.remaining()))));
      KanalServer.json(ctx, 200, new JsonObject().put("items", out).put("limit", limit));
    });
  }

  // ---- sessions

  /** What {@code POST /api/sessions} asks for: one video or one channel, on a device, started at {@code at}. */
  record SessionInput(PlaybackSession.Kind kind, String target, String deviceId, Instant at) {}

  /** Reads a {@code POST /api/sessions} body, or names the field that is wrong. */
  static SessionInput sessionInput(Buffer buffer, Instant now) throws BadInput {
    return sessionInput(buffer, now, RequestLimits.DEFAULTS.maxJsonDepth());
  }

  /** As {@link #sessionInput(Buffer, Instant)}, refusing JSON nested deeper than {@code maxDepth}. */
  static SessionInput sessionInput(Buffer buffer, Instant now, int maxDepth) throws BadInput {
    JsonInput body = JsonInput.object(buffer, false, maxDepth);
    Optional<String> video = body.optionalString("videoId", VIDEO_ID, "1-128 characters of A-Za-z0-9_-");
    Optional<String> channel = body.optionalString("channelId", CHANNEL_ID, "1-128 characters of A-Za-z0-9_.~-");
    if (video.isPresent() == channel.isPresent()) {
      throw new BadInput(video.isPresent() ? "channelId" : "videoId",
          video.isPresent() ? "must not be given with 'videoId': a session plays one video or one channel"
              : "or 'channelId' is required");
    }
    PlaybackSession.Kind kind = video.isPresent() ? PlaybackSession.Kind.VIDEO : PlaybackSession.Kind.CHANNEL;
    String target = video.orElseGet(channel::get);
    String device = body.requireString("deviceId", DEVICE_ID, "1-128 characters of A-Za-z0-9_.:~-");
    return new SessionInput(kind, target, device, clientTime(body, "at", now).orElse(now));
  }

  private void startSession(RoutingContext ctx) {
    PlaybackSession.Kind kind;
    String target;
    String device;
    Instant clientStart;
    try {
      SessionInput in = sessionInput(ctx.body().buffer(), now(), limits.maxJsonDepth());
      kind = in.kind();
      target = in.target();
      device = in.deviceId();
      clientStart = in.at();
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    PlaybackSession.Start start = new PlaybackSession.Start(newSessionId(), user(ctx), kind, target, device, clientStart);
    blocking(ctx, () -> {
      if (kind == PlaybackSession.Kind.VIDEO && !videoKnown(target)) {
        return null;
      }
      return store.startSession(start);
    }).onSuccess(session -> {
      if (session == null) {
        unknownVideo(ctx, target, 400);
      } else if (session.isEmpty()) {
        KanalServer.json(ctx, 503, KanalServer.error("too many active playback sessions ("
            + setup.config().maxSessions() + ", playback.maxSessions); try again later"));
      } else {
        metrics.started(kind);
        refreshSoon();
        Duration ttl = setup.config().sessionTtl();
        KanalServer.json(ctx, 201, PlaybackJson.session(session.get()).put("sessionId", session.get().id())
            .put("ttl", secs(ttl)).put("heartbeatInterval", secs(ttl.dividedBy(3))));
      }
    });
  }

  /** Reads a {@code POST /api/sessions/{id}/heartbeat} request (the body may be empty). */
  static PlaybackSession.Heartbeat heartbeatInput(String id, Buffer buffer) throws BadInput {
    return heartbeatInput(id, buffer, RequestLimits.DEFAULTS.maxJsonDepth());
  }

  /** As {@link #heartbeatInput(String, Buffer)}, refusing JSON nested deeper than {@code maxDepth}. */
  static PlaybackSession.Heartbeat heartbeatInput(String id, Buffer buffer, int maxDepth) throws BadInput {
    requireId("id", id, SESSION_ID, "a session id");
    JsonInput body = JsonInput.object(buffer, true, maxDepth);
    OptionalDouble position = body.optionalNumber("position", 0, MAX_SECONDS);
    OptionalLong bitrate = body.optionalInteger("bitrate", 0, MAX_BITRATE);
    return new PlaybackSession.Heartbeat(position.isPresent() ? Optional.of(seconds(position.getAsDouble()))
        : Optional.empty(), bitrate);
  }

  private void heartbeat(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    PlaybackSession.Heartbeat heartbeat;
    try {
      heartbeat = heartbeatInput(id, ctx.body().buffer(), limits.maxJsonDepth());
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    blocking(ctx, () -> store.heartbeat(id, heartbeat)).onSuccess(session -> {
      if (session.isEmpty()) {
        noSession(ctx, id);
      } else {
        KanalServer.json(ctx, 200, PlaybackJson.session(session.get()));
      }
    });
  }

  private void endSession(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    try {
      requireId("id", id, SESSION_ID, "a session id");
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    blocking(ctx, () -> {
      if (!store.endSession(id)) {
        return false;
      }
      store.finishQoe(id).ifPresent(metrics::record);
      return true;
    }).onSuccess(ended -> {
      if (!ended) {
        noSession(ctx, id);
      } else {
        refreshSoon();
        ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
      }
    });
  }

  private void active(RoutingContext ctx) {
    int limit;
    try {
      limit = queryInteger(ctx, "limit", 100, 0, MAX_LISTED);
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    boolean all = seesAll(ctx);
    String user = user(ctx);
    blocking(ctx, () -> store.activeSessions(setup.config().maxSessions())).onSuccess(sessions -> {
      Map<String, Long> byKind = new LinkedHashMap<>();
      for (PlaybackSession.Kind k : PlaybackSession.Kind.values()) {
        byKind.put(k.label(), 0L);
      }
      Map<String, Long> byVideo = new TreeMap<>();
      Map<String, Long> byChannel = new TreeMap<>();
      JsonArray list = new JsonArray();
      for (PlaybackSession s : sessions) {
        byKind.merge(s.kind().label(), 1L, Long::sum);
        (s.kind() == PlaybackSession.Kind.VIDEO ? byVideo : byChannel).merge(s.targetId(), 1L, Long::sum);
        // Users see every session counted, but only their own listed (with device ids); admins see all.
        if (list.size() < limit && (all || s.userId().equals(user))) {
          list.add(PlaybackJson.session(s));
        }
      }
      KanalServer.json(ctx, 200, new JsonObject().put("total", sessions.size()).put("byKind", new JsonObject(toObjects(byKind)))
          .put("byVideo", new JsonObject(toObjects(byVideo))).put("byChannel", new JsonObject(toObjects(byChannel)))
          .put("sessions", list));
    });
  }

  // ---- QoE

  /**
   * A QoE batch as read from a request: the events in order, and for each session the field that
   * first named it (for the error when the session is unknown).
   */
  record QoeBatch(List<QoeEvent> events, Map<String, String> fieldOfSession) {}

  /** Reads a {@code POST /api/qoe} body ({@code [...]} or {@code {"events": [...]}}), or names the field that is wrong. */
  static QoeBatch qoeInput(Buffer buffer, Instant now, Duration retention) throws BadInput {
    return qoeInput(buffer, now, retention, RequestLimits.DEFAULTS.maxJsonDepth());
  }

  /** As {@link #qoeInput(Buffer, Instant, Duration)}, refusing JSON nested deeper than {@code maxDepth}. */
  static QoeBatch qoeInput(Buffer buffer, Instant now, Duration retention, int maxDepth) throws BadInput {
    List<QoeEvent> events = new ArrayList<>();
    Map<String, String> fieldOfSession = new LinkedHashMap<>();
    Object body = JsonInput.parse(buffer, false, maxDepth);
    JsonArray array;
    String prefix;
    if (body instanceof JsonArray a) {
      array = a;
      prefix = "";
    } else {
      Object inner = ((JsonObject) body).getValue("events");
      if (!(inner instanceof JsonArray a)) {
        throw new BadInput("events", inner == null ? "is required: an array of player events" : "must be an array");
      }
      array = a;
      prefix = "events";
    }
    if (array.isEmpty()) {
      throw new BadInput(prefix, "must hold at least one event");
    }
    if (array.size() > MAX_EVENTS) {
      throw new BadInput(prefix, "must hold at most " + MAX_EVENTS + " events per request, had " + array.size());
    }
    Instant oldest = now.minus(retention);
    for (int i = 0; i < array.size(); i++) {
      String path = prefix + "[" + i + "]";
      JsonInput e = JsonInput.element(array.getValue(i), path);
      String sessionId = e.requireString("sessionId", SESSION_ID, "a session id");
      String typeName = e.requireString("type", Pattern.compile("[a-z_]{1,32}"), "one of " + typeNames());
      QoeEvent.Type type = QoeEvent.Type.of(typeName)
          .orElseThrow(() -> new BadInput(path + ".type", "must be one of " + typeNames() + ", was '" + typeName + "'"));
      long at = e.requireInteger("at", oldest.toEpochMilli(), now.plus(MAX_CLOCK_AHEAD).toEpochMilli());
      OptionalDouble position = e.optionalNumber("position", 0, MAX_SECONDS);
      OptionalLong bitrate = e.optionalInteger("bitrate", 0, MAX_BITRATE);
      OptionalLong bandwidth = e.optionalInteger("bandwidthEstimate", 0, MAX_BITRATE);
      String detail = e.optionalText("detail", MAX_DETAIL);
      events.add(new QoeEvent(sessionId, type, Instant.ofEpochMilli(at),
          position.isPresent() ? Optional.of(seconds(position.getAsDouble())) : Optional.empty(), bitrate, bandwidth,
          detail));
      fieldOfSession.putIfAbsent(sessionId, path + ".sessionId");
    }
    return new QoeBatch(events, fieldOfSession);
  }

  private void qoe(RoutingContext ctx) {
    List<QoeEvent> events;
    Map<String, String> fieldOfSession;
    try {
      QoeBatch batch = qoeInput(ctx.body().buffer(), now(), setup.config().qoeRetention(), limits.maxJsonDepth());
      events = batch.events();
      fieldOfSession = batch.fieldOfSession();
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    blocking(ctx, () -> {
      for (Map.Entry<String, String> s : fieldOfSession.entrySet()) {
        if (!store.hasQoe(s.getKey())) {
          return new BadInput(s.getValue(), "names no session: '" + s.getKey() + "' is unknown (or older than "
              + Durations.format(setup.config().qoeRetention()) + ")");
        }
      }
      int ignored = 0;
      Map<String, List<QoeEvent>> bySession = new LinkedHashMap<>();
      events.forEach(e -> bySession.computeIfAbsent(e.sessionId(), k -> new ArrayList<>()).add(e));
      for (Map.Entry<String, List<QoeEvent>> s : bySession.entrySet()) {
        Optional<QoeDelta> delta = store.applyQoe(s.getKey(), s.getValue());
        if (delta.isPresent()) {
          metrics.record(delta.get());
          ignored += delta.get().ignored();
        } else {
          ignored += s.getValue().size(); // expired between the check and now
        }
      }
      return ignored;
    }).onSuccess(result -> {
      if (result instanceof BadInput e) {
        bad(ctx, e);
      } else {
        int ignored = (Integer) result;
        KanalServer.json(ctx, 200, new JsonObject().put("accepted", events.size() - ignored).put("ignored", ignored));
      }
    });
  }

  private void summary(RoutingContext ctx) {
    Duration window;
    Optional<PlaybackSession.Kind> kind = Optional.empty();
    Optional<String> target = Optional.empty();
    try {
      window = queryDuration(ctx, "window", Duration.ofHours(1), Duration.ofMinutes(1), setup.config().qoeRetention());
      Optional<String> video = queryId(ctx, "videoId", VIDEO_ID, "1-128 characters of A-Za-z0-9_-");
      Optional<String> channel = queryId(ctx, "channelId", CHANNEL_ID, "1-128 characters of A-Za-z0-9_.~-");
      if (video.isPresent() && channel.isPresent()) {
        throw new BadInput("channelId", "must not be given with 'videoId'");
      }
      if (video.isPresent()) {
        kind = Optional.of(PlaybackSession.Kind.VIDEO);
        target = video;
      } else if (channel.isPresent()) {
        kind = Optional.of(PlaybackSession.Kind.CHANNEL);
        target = channel;
      }
    } catch (BadInput e) {
      bad(ctx, e);
      return;
    }
    Instant since = now().minus(window);
    Optional<PlaybackSession.Kind> k = kind;
    Optional<String> t = target;
    blocking(ctx, () -> store.qoeSessions(since, k, t, MAX_SUMMARY_SESSIONS)).onSuccess(stats -> {
      QoeSummary s = QoeSummary.of(stats);
      JsonObject out = new JsonObject().put("window", Durations.format(window))
          .put("sessions", s.sessions())
          .put("startupP50", s.startupP50().map(PlaybackRoutes::secs).orElse(null))
          .put("startupP95", s.startupP95().map(PlaybackRoutes::secs).orElse(null))
          .put("stallRatio", round(s.stallRatio()))
          .put("stalls", s.stalls())
          .put("levelSwitches", s.levelSwitches())
          .put("switchesPerMinute", round(s.switchesPerMinute()))
          .put("errors", s.errors())
          .put("errorRate", round(s.errorRate()))
          .put("watched", secs(s.watched()))
          .put("truncated", stats.size() >= MAX_SUMMARY_SESSIONS);
      k.ifPresent(kk -> out.put(kk == PlaybackSession.Kind.VIDEO ? "videoId" : "channelId", t.orElse("")));
      KanalServer.json(ctx, 200, out);
    });
  }

  // ---- background

  private void sweep() {
    try {
      store.sweep();
      metrics.active(store.activeCounts());
    } catch (StoreException e) {
      log.warn("event=playback.sweep.failed store={} error=\"{}\"", store.description(), e.getMessage());
    } catch (RuntimeException e) {
      log.warn("event=playback.sweep.failed store={}", store.description(), e);
    }
  }

  /** Updates {@code kanal_active_sessions} soon after a session starts or ends, not only on the next sweep. */
  private void refreshSoon() {
    try {
      sweeper.execute(() -> {
        try {
          metrics.active(store.activeCounts());
        } catch (StoreException | RuntimeException e) {
          log.debug("event=playback.count.failed error=\"{}\"", e.toString());
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // shutting down
    }
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }

  // ---- helpers

  private Instant now() {
    return setup.clock().instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private boolean videoKnown(String id) throws Exception {
    // With a library configured, ids must be its videos; without folders, any id is accepted (players
    // may track progress of media Kanal does not serve).
    if (videos.isEmpty() || videos.get().library().roots().isEmpty()) {
      return true;
    }
    return videos.get().library().get(id).isPresent();
  }

  private String newSessionId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A client timestamp (epoch ms) that may be somewhat ahead of our clock (then: now), never far. */
  private static Optional<Instant> clientTime(JsonInput body, String field, Instant now) throws BadInput {
    OptionalLong ms = body.optionalInteger(field, 0, Long.MAX_VALUE / 2);
    if (ms.isEmpty()) {
      return Optional.empty();
    }
    Instant at = Instant.ofEpochMilli(ms.getAsLong());
    if (at.isAfter(now.plus(MAX_CLOCK_AHEAD))) {
      throw new BadInput(field, "is more than a day in the future (epoch milliseconds expected), was " + ms.getAsLong());
    }
    return Optional.of(at.isAfter(now) ? now : at);
  }

  private static void requireId(String field, String value, Pattern pattern, String what) throws BadInput {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new BadInput(field, "must be " + what + ", was '" + JsonInput.clip(String.valueOf(value), 40) + "'");
    }
  }

  private static Optional<String> queryId(RoutingContext ctx, String name, Pattern pattern, String what) throws BadInput {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    requireId(name, value, pattern, what);
    return Optional.of(value);
  }

  private static int queryInteger(RoutingContext ctx, String name, int fallback, int min, int max) throws BadInput {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw new BadInput(name, "must be between " + min + " and " + max + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadInput(name, "must be a whole number, was '" + JsonInput.clip(value, 40) + "'");
    }
  }

  private static Duration queryDuration(RoutingContext ctx, String name, Duration fallback, Duration min, Duration max)
      throws BadInput {
    String value = ctx.request().getParam(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    Duration d;
    try {
      d = Durations.parse(value.length() > 32 ? "x" : value);
    } catch (IllegalArgumentException e) {
      throw new BadInput(name, "must be a duration such as 15m, 1h or 1d, was '" + JsonInput.clip(value, 40) + "'");
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new BadInput(name, "must be between " + Durations.format(min) + " and " + Durations.format(max)
          + " (playback.qoeRetention), was " + Durations.format(d));
    }
    return d;
  }

  private static String typeNames() {
    StringBuilder out = new StringBuilder();
    for (QoeEvent.Type t : QoeEvent.Type.values()) {
      out.append(out.isEmpty() ? "" : ", ").append(t.label());
    }
    return out.toString();
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }

  static double secs(Duration d) {
    return d.toMillis() / 1000.0;
  }

  private static double round(double v) {
    return Math.round(v * 1_000_000) / 1_000_000.0;
  }

  private static Map<String, Object> toObjects(Map<String, Long> map) {
    return new LinkedHashMap<>(map);
  }

  private static void bad(RoutingContext ctx, BadInput e) {
    JsonObject body = KanalServer.error(e.sentence());
    if (!e.field.isEmpty()) {
      body.put("field", e.field);
    }
    KanalServer.json(ctx, 400, body);
  }

  private static void unknownVideo(RoutingContext ctx, String id, int status) {
    KanalServer.json(ctx, status, KanalServer.error("'videoId' names no video of the library: '" + id + "'")
        .put("field", "videoId"));
  }

  private static void noSession(RoutingContext ctx, String id) {
    KanalServer.json(ctx, 404, KanalServer.error("no active session '" + id + "' (it ended or expired: start a new one)"));
  }

  /** A body over the limit (BodyHandler's 413) or any other failure on these routes, as JSON. */
  private void failed(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      long limit = limits.bodyLimit(ctx.request().path().startsWith("/api/qoe") ? QOE_BODY_LIMIT : SMALL_BODY_LIMIT);
      KanalServer.bodyTooLarge(ctx, limit);
    } else if (status >= 400 && status < 500) {
      KanalServer.json(ctx, status, KanalServer.error("bad request"));
    } else {
      log.error("event=api.failed path={}", ctx.request().path(), ctx.failure());
      KanalServer.json(ctx, 500, KanalServer.error("internal error"));
    }
  }

  /**
   * Runs {@code work} on a virtual thread; success continues on the event loop. A store that cannot be
   * reached is 503 (the details go to the log, never to the client); anything else is 500.
   */
  private <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
    return VirtualThreads.call(vertx, blocking, work).onFailure(t -> {
      if (t instanceof StoreException) {
        log.warn("event=playback.store.failed store={} path={} error=\"{}\"", store.description(), ctx.request().path(),
            t.getMessage());
        KanalServer.json(ctx, 503, KanalServer.error("playback state is unavailable right now; try again"));
      } else {
        log.error("event=api.failed path={} error=\"{}\"", ctx.request().path(), t.toString(), t);
        KanalServer.json(ctx, 500, KanalServer.error("internal error"));
      }
    });
  }
}
