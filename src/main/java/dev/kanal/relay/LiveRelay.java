package dev.kanal.relay;

import dev.kanal.config.KanalConfig.RelayConfig;
import dev.kanal.iptv.Channel;
import dev.kanal.iptv.ChannelSource;
import dev.kanal.playlist.HlsWriter;
import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.playlist.Playlist;
import dev.kanal.playlist.PlaylistParseException;
import dev.kanal.playlist.Playlists;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HLS live relay behind {@code /live/{channel}/...}: one instance per server, shared by every
 * event loop. It fetches a channel's upstream playlists with the source's headers and serves its own
 * view of them (see {@link MediaView}), with every URI rewritten to a relay URL
 * ({@link PlaylistRewriter}, {@link RelayTokens}).
 *
 * <ul>
 *   <li><b>Fan-out</b>: concurrent requests for the same upstream resource share one upstream
 *       request; its bytes go to every viewer as they arrive ({@link SharedBody}), late joiners
 *       replay what came so far. Segments stay in a cache bounded by {@code relay.cacheSize} for a
 *       few target durations ({@link SegmentCache}); playlists are kept for half a target duration
 *       ({@link PlaylistCache}).</li>
 *   <li><b>Failover</b>: when a playlist fetch fails {@code relay.failAfter} times in a row (quickly,
 *       within about half a target duration), or that many segments fail in a row, the channel
 *       switches to its next source (by priority, then health); the viewers' playlists go on with
 *       relay sequence numbers that only go up and an EXT-X-DISCONTINUITY. Variant URLs are
 *       positions in the multivariant playlist first served for the channel and map to the nearest
 *       variant (by bandwidth) of whichever source is active, so players keep working across a
 *       switch. A channel nobody asked for in {@value #IDLE_MINUTES} minutes is forgotten (the next
 *       viewer starts again from its best source).</li>
 *   <li><b>Security</b>: only URLs from the catalog or from playlists fetched for it are fetched (signed
 *       tokens); every target passes {@link AddressGuard} (unless its source allows private addresses);
 *       size and time limits on everything.</li>
 * </ul>
 *
 * <p>All state lives on one Vert.x context of its own (an actor): the public methods hop onto it and
 * their futures complete back on the caller's context, so nothing here takes a lock across I/O and
 * no event loop blocks.
 */
public final class LiveRelay implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveRelay.class);

  /** Finds channels by id: what the relay needs of the catalog. */
  public interface Channels {
    /** The channel with this id (ignoring case), if any. */
    Optional<Channel> find(String id);
  }

  static final long PLAYLIST_MAX_BYTES = 4L * 1024 * 1024;
  static final long SEGMENT_MAX_BYTES = 64L * 1024 * 1024;
  static final long KEY_MAX_BYTES = 1024L * 1024;
  static final Duration SEGMENT_TIMEOUT = Duration.ofSeconds(60);
  static final Duration KEY_TIMEOUT = Duration.ofSeconds(15);
  static final long IDLE_MINUTES = 5;
  static final Duration VIEWER_WINDOW = Duration.ofSeconds(30);
  static final Duration MASTER_FRESH = Duration.ofSeconds(60);
  static final Duration ENDED_FRESH = Duration.ofSeconds(30);
  static final long DEFAULT_TARGET_SECONDS = 6;

  private static final Pattern VIEW = Pattern.compile("([vri])(\\d{1,4})");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d{1,18})-(\\d{0,18})");
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes \\d{1,18}-\\d{1,18}/(\\d{1,18}|\\*)");
  private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}");

  /** A view that the channel's multivariant playlist does not have. */
  static final class NoSuchView extends RelayException {
    NoSuchView(String message) {
      super(404, message);
    }
  }

  /** The relay's multivariant playlist of a channel, frozen when first served. */
  record RelayMaster(Optional<String> text, List<OptionalLong> variants, List<MasterPlaylist.Rendition> renditions,
      List<OptionalLong> iframes) {
    /** A channel whose source is a media playlist: {@code index.m3u8} is the view {@code v0}. */
    static RelayMaster media() {
      return new RelayMaster(Optional.empty(), List.of(OptionalLong.empty()), List.of(), List.of());
    }
  }

  /** What the relay knows of one channel being watched. */
  static final class ChannelState {
    final String channelId;
    String activeUrl;
    int segmentFailures;
    boolean switchPending;
    RelayMaster master;
    Future<RelayMaster> masterInFlight;
    final Map<String, MediaView> views = new HashMap<>();
    long targetSeconds;
    long lastUsed;

    ChannelState(String channelId) {
      this.channelId = channelId;
    }
  }

  /** A checked request for a relayed resource. */
  private record Resource(Channel channel, ChannelSource source, RelayTokens.Claim claim, URI uri,
      Optional<String> range, SegmentCache.Key key) {
    String metricKind() {
      return claim.kind() == RelayTokens.Kind.KEY ? "key" : "segment";
    }

    String cacheControl() {
      return claim.kind() == RelayTokens.Kind.KEY ? "private, no-store" : "public, max-age=60";
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final Channels channels;
  private final RelayConfig config;
  private final RelayTokens tokens;
  private final RelayMetrics metrics;
  private final Upstream upstream;
  private final SegmentCache segments;
  private final PlaylistCache playlists = new PlaylistCache();
  /** Touched only on the relay context. */
  private final Map<String, ChannelState> states = new HashMap<>();
  /** Viewer (address and User-Agent) to last playlist request, per channel; read by the gauges. */
  private final Map<String, Map<String, Long>> viewers = new ConcurrentHashMap<>();
  private volatile long sweepTimer = -1;

  private LiveRelay(Vertx vertx, Channels channels, RelayConfig config, byte[] secret, MeterRegistry registry) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.channels = channels;
    this.config = config;
    this.tokens = new RelayTokens(secret);
    this.metrics = new RelayMetrics(registry);
    this.upstream = new Upstream(vertx, metrics);
    this.segments = new SegmentCache(config.cacheSize().bytes());
    metrics.gauge("kanal.relay.cache.bytes", "Bytes of segments and keys held by the relay cache", segments,
        SegmentCache::bytes);
  }

  /**
   * Starts a relay on its own context of {@code vertx}.
   *
   * @param secret the key relay URLs are signed with (at least 32 bytes)
   */
  public static LiveRelay create(Vertx vertx, Channels channels, RelayConfig config, byte[] secret,
      MeterRegistry registry) {
    Objects.requireNonNull(channels, "channels");
    if (config.failAfter() < 1) {
      throw new IllegalArgumentException("relay.failAfter must be at least 1, was " + config.failAfter());
    }
    LiveRelay relay = new LiveRelay(vertx, channels, config, secret, registry);
    relay.context.runOnContext(v -> relay.sweepTimer = vertx.setPeriodic(2000, t -> relay.sweep()));
    return relay;
  }

  // ---- the public operations: each runs on the relay context, completes on the caller's ----

  /**
   * The channel's {@code index.m3u8}: the relay's multivariant playlist, or (when the source is a
   * media playlist) the media playlist view {@code v0}.
   *
   * @param viewer who asks (address and User-Agent), for the viewer count
   */
  public Future<String> index(String channelId, String viewer) {
    return onRelay(() -> {
      Channel channel = channel(channelId);
      ChannelState state = state(channel, viewer);
      return master(state, channel).compose(m -> m.text().isPresent()
          ? Future.succeededFuture(m.text().get()) : view(state, channel, 'v', 0));
    });
  }

  /**
   * A media playlist view: {@code v{k}} (variant), {@code r{k}} (rendition) or {@code i{k}} (I-frame
   * playlist), as named in the relay's multivariant playlist.
   */
  public Future<String> playlist(String channelId, String name, String viewer) {
    return onRelay(() -> {
      Channel channel = channel(channelId);
      Matcher m = VIEW.matcher(name);
      if (!m.matches()) {
        throw new NoSuchView("no playlist '" + name + "' for channel " + channel.id());
      }
      char kind = m.group(1).charAt(0);
      int k = Integer.parseInt(m.group(2));
      ChannelState state = state(channel, viewer);
      return master(state, channel).compose(master -> {
        int count = switch (kind) {
          case 'v' -> master.variants().size();
          case 'r' -> master.renditions().size();
          default -> master.iframes().size();
        };
        if (k >= count || (kind == 'r' && master.renditions().get(k).uri().isEmpty())) {
          return Future.failedFuture(new NoSuchView("no playlist '" + name + "' for channel " + channel.id()));
        }
        return view(state, channel, kind, k);
      });
    });
  }

  /**
   * Sends a relayed segment, key or initialization section ({@code s/{token}.{ext}}) to
   * {@code response}: from the cache, by joining a download in progress, or by starting one.
   * Fails with a {@link RelayException} when nothing has been sent (the caller answers the error);
   * later failures cut the response.
   *
   * @param range the viewer's Range header; a single {@code bytes=a-b} range is passed upstream, others are ignored
   */
  public Future<Void> resource(String channelId, String file, Optional<String> range, HttpServerResponse response) {
    Context caller = Vertx.currentContext();
    Context writer = caller != null ? caller : context;
    Resource r;
    try {
      r = resolve(channelId, file, range);
    } catch (RelayException e) {
      return Future.failedFuture(e);
    }
    // A hit, or a download in progress, is answered right here on the viewer's event loop; only a
    // miss goes to the relay's context to start the download (which checks the cache again first).
    SharedBody hit = segments.get(r.key(), System.nanoTime());
    if (hit != null) {
      metrics.lookup(r.metricKind(), hit.ended() ? RelayMetrics.Lookup.HIT : RelayMetrics.Lookup.COALESCED);
      return new BodyWriter(writer, response, hit, r.cacheControl(), metrics).start();
    }
    return onRelay(() -> Future.succeededFuture(bodyFor(r)))
        .compose(body -> new BodyWriter(writer, response, body, r.cacheControl(), metrics).start());
  }

  /** Runs {@code work} on the relay context; the result completes on the caller's context. */
  private <T> Future<T> onRelay(Supplier<Future<T>> work) {
    Context caller = Vertx.currentContext();
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      Future<T> f;
      try {
        f = work.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        var outcome = ar.failed() && !(ar.cause() instanceof RelayException)
            ? Future.<T>failedFuture(internal(ar.cause())) : ar;
        if (caller != null && caller != context) {
          caller.runOnContext(x -> result.handle(outcome));
        } else {
          result.handle(outcome);
        }
      });
    });
    return result.future();
  }

  private static RelayException internal(Throwable t) {
    LOG.error("event=relay.failed", t);
    return new RelayException(500, "internal relay error");
  }

  // ---- channels and their state ----

  private Channel channel(String id) {
    Channel c = channels.find(id).filter(ch -> ch.id().equalsIgnoreCase(id))
        .orElseThrow(() -> new RelayException(404, "no channel with id '" + printable(id) + "'"));
    if (c.sources().isEmpty()) {
      throw new RelayException(404, "channel " + c.id() + " has no sources");
    }
    return c;
  }

  private static String printable(String s) {
    String cut = s.length() > 128 ? s.substring(0, 128) : s;
    return cut.replaceAll("[^A-Za-z0-9_.~-]", "?");
  }

  private ChannelState state(Channel channel, String viewer) {
    ChannelState s = states.computeIfAbsent(channel.id(), ChannelState::new);
    long now = System.nanoTime();
    s.lastUsed = now;
    if (viewer != null) {
      viewers.computeIfAbsent(channel.id(), id -> {
        Map<String, Long> seen = new ConcurrentHashMap<>();
        metrics.gauge("kanal.relay.viewers", "Distinct viewers (address and User-Agent) of a relayed channel in the last "
            + VIEWER_WINDOW.toSeconds() + " s", seen, m -> count(m), "channel", id);
        return seen;
      }).put(viewer, now);
    }
    return s;
  }

  private static double count(Map<String, Long> seen) {
    long now = System.nanoTime();
    return seen.values().stream().filter(t -> now - t < VIEWER_WINDOW.toNanos()).count();
  }

  /** The source the channel plays now, switching first when segments kept failing. */
  private ChannelSource active(ChannelState state, Channel channel) {
    ChannelSource current = find(channel, state.activeUrl).orElse(null);
    if (current == null) {
      current = channel.bestSource().orElse(channel.sources().getFirst());
      state.activeUrl = current.url();
    }
    if (state.switchPending) {
      state.switchPending = false;
      switchFrom(state, channel, current, "segments failed " + config.failAfter() + " times in a row");
      current = find(channel, state.activeUrl).orElse(current);
    }
    return current;
  }

  private static Optional<ChannelSource> find(Channel channel, String url) {
    return url == null ? Optional.empty() : channel.sources().stream().filter(s -> s.url().equals(url)).findFirst();
  }

  /** Makes the source after {@code from} (in the channel's order, wrapping) the active one, unless it already changed. */
  private void switchFrom(ChannelState state, Channel channel, ChannelSource from, String reason) {
    if (!from.url().equals(state.activeUrl) || channel.sources().size() < 2) {
      return;
    }
    List<ChannelSource> sources = channel.sources();
    int i = sources.indexOf(from);
    ChannelSource next = sources.get((i + 1) % sources.size());
    state.activeUrl = next.url();
    state.segmentFailures = 0;
    state.switchPending = false;
    metrics.failover(channel.id());
    LOG.info("event=relay.failover channel={} from={} to={} reason=\"{}\"", channel.id(), redact(from.url()),
        redact(next.url()), reason);
  }

  /** A URL for logs: without user info or query. */
  private static String redact(String url) {
    URI u = Urls.parse(url);
    return u == null ? "(invalid URL)" : AddressGuard.redact(u);
  }

  /** Runs {@code op} on the active source; on an upstream failure switches to the next source and tries again, once per source. */
  private <T> Future<T> withFailover(ChannelState state, Channel channel, Function<ChannelSource, Future<T>> op) {
    return withFailover(state, channel, op, channel.sources().size() - 1);
  }

  private <T> Future<T> withFailover(ChannelState state, Channel channel, Function<ChannelSource, Future<T>> op,
      int switchesLeft) {
    ChannelSource source = active(state, channel);
    Future<T> attempt;
    try {
      attempt = op.apply(source);
    } catch (RelayException e) {
      attempt = Future.failedFuture(e);
    }
    return attempt.recover(e -> {
      if (e instanceof NoSuchView || !(e instanceof RelayException) || switchesLeft <= 0) {
        return Future.failedFuture(e);
      }
      switchFrom(state, channel, source, e.getMessage());
      return withFailover(state, channel, op, switchesLeft - 1);
    });
  }

  // ---- playlists ----

  private Future<RelayMaster> master(ChannelState state, Channel channel) {
    if (state.master != null) {
      return Future.succeededFuture(state.master);
    }
    if (state.masterInFlight != null) {
      return state.masterInFlight;
    }
    Future<RelayMaster> f = withFailover(state, channel, source -> fetchPlaylist(source, source.url(), state.targetSeconds)
        .map(top -> relayMaster(channel, source, top)));
    state.masterInFlight = f;
    f.onComplete(ar -> {
      state.masterInFlight = null;
      if (ar.succeeded()) {
        state.master = ar.result();
      }
    });
    return f;
  }

  private RelayMaster relayMaster(Channel channel, ChannelSource source, PlaylistCache.Fetched top) {
    if (top.playlist() instanceof MediaPlaylist) {
      return RelayMaster.media();
    }
    if (!(top.playlist() instanceof MasterPlaylist m) || m.variants().isEmpty()) {
      throw new RelayException(502, AddressGuard.redact(top.url()) + " is not an HLS playlist with variants");
    }
    MasterPlaylist relayed = new PlaylistRewriter(tokens, channel.id(), RelayTokens.sourceId(source.url()), top.url())
        .master(m);
    return new RelayMaster(Optional.of(HlsWriter.toString(relayed)),
        m.variants().stream().map(v -> v.stream().bandwidth()).toList(), m.renditions(),
        m.iframeVariants().stream().map(v -> v.stream().bandwidth()).toList());
  }

  private Future<String> view(ChannelState state, Channel channel, char kind, int k) {
    MediaView view = state.views.computeIfAbsent(kind + Integer.toString(k), key -> new MediaView());
    return withFailover(state, channel, source -> locate(state, source, kind, k)
        .compose(url -> fetchPlaylist(source, url, view.isEmpty() ? state.targetSeconds : view.targetDurationSeconds()))
        .map(fetched -> {
          if (!(fetched.playlist() instanceof MediaPlaylist media)) {
            throw new RelayException(502, AddressGuard.redact(fetched.url()) + " is not an HLS media playlist");
          }
          long sourceId = RelayTokens.sourceId(source.url());
          view.merge(fetched, sourceId, fetched.url(), media,
              new PlaylistRewriter(tokens, channel.id(), sourceId, fetched.url()));
          state.targetSeconds = Math.max(state.targetSeconds, view.targetDurationSeconds());
          return view.render();
        }))
        .recover(e -> {
          if (!view.isEmpty() && !(e instanceof NoSuchView)) {
            LOG.debug("event=relay.stale channel={} view={}{} reason=\"{}\"", channel.id(), kind, k, e.getMessage());
            return Future.succeededFuture(view.render());
          }
          return Future.failedFuture(e);
        });
  }

  /** The upstream URL (as requested) of view {@code kind k} on {@code source}. */
  private Future<String> locate(ChannelState state, ChannelSource source, char kind, int k) {
    return fetchPlaylist(source, source.url(), state.targetSeconds).compose(top -> {
      if (top.playlist() instanceof MediaPlaylist) {
        return kind == 'v' ? Future.succeededFuture(source.url())
            : Future.failedFuture(new NoSuchView("the active source of channel " + state.channelId
                + " has no separate renditions or I-frame playlists"));
      }
      if (!(top.playlist() instanceof MasterPlaylist m)) {
        return Future.failedFuture(new RelayException(502, AddressGuard.redact(top.url()) + " is not an HLS playlist"));
      }
      Optional<String> uri = Variants.pick(m, kind, k, state.master);
      if (uri.isEmpty()) {
        return Future.failedFuture(new NoSuchView("the active source of channel " + state.channelId
            + " has no playlist matching " + kind + k));
      }
      return Urls.resolve(top.url(), uri.get()).map(u -> Future.succeededFuture(u.toString()))
          .orElseGet(() -> Future.failedFuture(new RelayException(502, "cannot resolve a variant URI of "
              + AddressGuard.redact(top.url()))));
    });
  }

  /**
   * A playlist from the cache, the fetch in progress, or fetched now with up to {@code relay.failAfter}
   * attempts spaced over about half a target duration.
   *
   * @param targetSeconds the target duration known for it (0: unknown), for time limits and retry spacing
   */
  private Future<PlaylistCache.Fetched> fetchPlaylist(ChannelSource source, String url, long targetSeconds) {
    URI uri = Urls.parse(url);
    if (uri == null) {
      return Future.failedFuture(new RelayException(502, "the source URL of this channel is not a valid URL"));
    }
    PlaylistCache.Key key = new PlaylistCache.Key(RelayTokens.sourceId(source.url()), url);
    return playlists.get(key, System.nanoTime(), () -> attempts(source, uri, targetSeconds, config.failAfter()),
        LiveRelay::freshFor, lookup -> metrics.lookup("playlist", lookup));
  }

  private Future<PlaylistCache.Fetched> attempts(ChannelSource source, URI uri, long targetSeconds, int left) {
    return fetchOnce(source, uri, targetSeconds).recover(e -> {
      if (left <= 1 || (e instanceof RelayException r && r.status() == 403)) {
        return Future.failedFuture(e);
      }
      long td = targetSeconds > 0 ? targetSeconds : DEFAULT_TARGET_SECONDS;
      long delay = Math.clamp(td * 1000 / (2L * config.failAfter()), 50, 1000);
      LOG.debug("event=relay.playlist.retry url={} left={} reason=\"{}\"", AddressGuard.redact(uri), left - 1,
          e.getMessage());
      Promise<PlaylistCache.Fetched> next = Promise.promise();
      vertx.setTimer(delay, t -> attempts(source, uri, targetSeconds, left - 1).onComplete(next));
      return next.future();
    });
  }

  private Future<PlaylistCache.Fetched> fetchOnce(ChannelSource source, URI uri, long targetSeconds) {
    long timeoutMillis = targetSeconds > 0 ? Math.clamp(targetSeconds * 1500, 2000, 10_000) : 10_000;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    return upstream.open(new Upstream.Request(source, uri, "playlist", Optional.empty()), deadline)
        .compose(opened -> upstream.body(opened.response(), PLAYLIST_MAX_BYTES, deadline, opened.uri(),
                LiveRelay::looksLikeHls)
            .map(body -> parse(opened.uri(), body)));
  }

  /** Whether a body starts (after a byte-order mark and white space) with {@code #EXTM3U}. */
  static boolean looksLikeHls(Buffer body) {
    byte[] b = body.getBytes(0, Math.min(body.length(), 64));
    int i = 0;
    if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
      i = 3;
    }
    while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
      i++;
    }
    byte[] tag = "#EXTM3U".getBytes(StandardCharsets.US_ASCII);
    if (b.length - i < tag.length) {
      return false;
    }
    for (int j = 0; j < tag.length; j++) {
      if (b[i + j] != tag[j]) {
        return false;
      }
    }
    return true;
  }

  private static PlaylistCache.Fetched parse(URI uri, Buffer body) {
    Playlist p;
    try {
      p = Playlists.parse(body.toString(StandardCharsets.UTF_8),
          ParseOptions.DEFAULTS.withBaseUri(uri).withMaxBytes(PLAYLIST_MAX_BYTES));
    } catch (PlaylistParseException e) {
      throw new RelayException(502, AddressGuard.redact(uri) + " is not a valid HLS playlist");
    }
    if (!(p instanceof MasterPlaylist) && !(p instanceof MediaPlaylist)) {
      throw new RelayException(502, AddressGuard.redact(uri) + " is an IPTV list, not an HLS playlist");
    }
    return new PlaylistCache.Fetched(uri, p, System.nanoTime());
  }

  /** How long a fetched playlist stays fresh: half a target duration when live, longer when it does not change. */
  static long freshFor(PlaylistCache.Fetched f) {
    if (f.playlist() instanceof MediaPlaylist m) {
      if (m.endList()) {
        return ENDED_FRESH.toNanos();
      }
      return TimeUnit.SECONDS.toNanos(m.targetDurationSeconds().orElse(DEFAULT_TARGET_SECONDS)) / 2;
    }
    return MASTER_FRESH.toNanos();
  }

  // ---- segments, keys, initialization sections ----

  /** Checks a resource request (any thread): the channel exists, the token is its, the source is still listed. */
  private Resource resolve(String channelId, String file, Optional<String> rangeHeader) {
    Channel channel = channel(channelId);
    int dot = file.lastIndexOf('.');
    String token = dot < 0 ? file : file.substring(0, dot);
    RelayTokens.Claim claim = tokens.verify(channel.id(), token).orElseThrow(() -> new RelayException(403,
        "invalid relay URL: forged, damaged, or made for another channel"));
    ChannelSource source = channel.sources().stream()
        .filter(s -> RelayTokens.sourceId(s.url()) == claim.sourceId()).findFirst()
        .orElseThrow(() -> new RelayException(404, "the source of this relay URL is no longer listed for channel "
            + channel.id()));
    URI uri = Urls.parse(claim.url());
    if (uri == null) {
      throw new RelayException(403, "invalid relay URL");
    }
    Optional<String> range = rangeHeader.map(String::strip).filter(r -> RANGE.matcher(r).matches());
    return new Resource(channel, source, claim, uri, range,
        new SegmentCache.Key(claim.sourceId(), claim.url(), range.orElse("")));
  }

  /** The body for a resource: from the cache (it may have arrived since the caller looked), or a new download. */
  private SharedBody bodyFor(Resource r) {
    SharedBody body = segments.get(r.key(), System.nanoTime());
    if (body != null) {
      metrics.lookup(r.metricKind(), body.ended() ? RelayMetrics.Lookup.HIT : RelayMetrics.Lookup.COALESCED);
      return body;
    }
    metrics.lookup(r.metricKind(), RelayMetrics.Lookup.MISS);
    return download(r.channel(), r.source(), r.claim().kind(), r.uri(), r.range(), r.key());
  }

  private SharedBody download(Channel channel, ChannelSource source, RelayTokens.Kind kind, URI uri,
      Optional<String> range, SegmentCache.Key key) {
    SharedBody body = new SharedBody();
    segments.put(key, body, System.nanoTime());
    long start = System.nanoTime();
    long max = kind == RelayTokens.Kind.KEY ? KEY_MAX_BYTES : SEGMENT_MAX_BYTES;
    long deadline = start + (kind == RelayTokens.Kind.KEY ? KEY_TIMEOUT : SEGMENT_TIMEOUT).toNanos();
    String host = uri.getHost() == null ? "" : uri.getHost();
    boolean media = kind != RelayTokens.Kind.KEY;
    String stateKey = channel.id();
    Function<RelayException, Void> fail = e -> {
      if (body.ended() || body.failed()) {
        return null;
      }
      body.fail(e);
      segments.remove(key, body);
      if (media) {
        metrics.segmentDownload(host, System.nanoTime() - start, false);
        segmentFailed(stateKey, source);
      }
      LOG.debug("event=relay.download.failed channel={} url={} reason=\"{}\"", stateKey, AddressGuard.redact(uri),
          e.getMessage());
      return null;
    };
    upstream.open(new Upstream.Request(source, uri, kind.metric, range), deadline).onComplete(ar -> {
      if (ar.failed()) {
        fail.apply(ar.cause() instanceof RelayException r ? r : new RelayException(502, "cannot fetch "
            + AddressGuard.redact(uri)));
        return;
      }
      HttpClientResponse r = ar.result().response();
      r.exceptionHandler(e -> fail.apply(new RelayException(502, "the upstream connection failed while sending "
          + AddressGuard.redact(uri))));
      OptionalLong length = contentLength(r);
      String contentRange = r.getHeader("Content-Range");
      if (r.statusCode() == 206 && (contentRange == null || !CONTENT_RANGE.matcher(contentRange.strip()).matches())) {
        fail.apply(new RelayException(502, AddressGuard.redact(uri) + " answered a range without a valid Content-Range"));
        r.request().reset();
        return;
      }
      if (length.isPresent() && length.getAsLong() > max) {
        fail.apply(new RelayException(502, AddressGuard.redact(uri) + " is larger than " + max + " bytes"));
        r.request().reset();
        return;
      }
      body.head(new SharedBody.Head(r.statusCode() == 206 ? 206 : 200, contentType(r.getHeader("Content-Type"), kind, uri),
          length, r.statusCode() == 206 ? contentRange.strip() : null));
      long[] received = {0};
      long timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), t -> {
        if (!body.ended()) {
          fail.apply(new RelayException(504, "timed out fetching " + AddressGuard.redact(uri)));
          r.request().reset();
        }
      });
      r.handler(chunk -> {
        if (body.failed()) {
          return;
        }
        received[0] += chunk.length();
        metrics.received(chunk.length());
        if (received[0] > max) {
          fail.apply(new RelayException(502, AddressGuard.redact(uri) + " is larger than " + max + " bytes"));
          r.request().reset();
          return;
        }
        body.append(chunk);
        segments.grew(key, body, chunk.length());
      });
      r.exceptionHandler(e -> {
        vertx.cancelTimer(timer);
        fail.apply(new RelayException(502, "the upstream connection failed while sending " + AddressGuard.redact(uri)));
      });
      r.endHandler(v -> {
        vertx.cancelTimer(timer);
        if (body.failed()) {
          return;
        }
        if (length.isPresent() && received[0] != length.getAsLong()) {
          fail.apply(new RelayException(502, AddressGuard.redact(uri) + " ended after " + received[0] + " of "
              + length.getAsLong() + " bytes"));
          return;
        }
        body.end();
        long now = System.nanoTime();
        segments.completed(key, body, segmentTtl(stateKey), now);
        if (media) {
          metrics.segmentDownload(host, now - start, true);
          segmentOk(stateKey, source);
        }
      });
      r.resume();
    });
    return body;
  }

  private static OptionalLong contentLength(HttpClientResponse r) {
    String v = r.getHeader("Content-Length");
    if (v == null) {
      return OptionalLong.empty();
    }
    try {
      long n = Long.parseLong(v.strip());
      return n < 0 ? OptionalLong.empty() : OptionalLong.of(n);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The upstream's media type when it is a plain, plausible one; else one from the kind and extension. */
  static String contentType(String upstreamType, RelayTokens.Kind kind, URI uri) {
    if (upstreamType != null) {
      String t = upstreamType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (MEDIA_TYPE.matcher(t).matches() && !t.startsWith("text/html") && !t.equals("application/octet-stream")) {
        return t;
      }
    }
    if (kind == RelayTokens.Kind.KEY) {
      return "application/octet-stream";
    }
    return switch (Urls.extension(uri, kind == RelayTokens.Kind.MAP ? "mp4" : "ts")) {
      case "aac" -> "audio/aac";
      case "mp3" -> "audio/mpeg";
      case "m4a" -> "audio/mp4";
      case "mp4", "m4s", "m4v", "cmfv", "cmfa", "fmp4" -> "video/mp4";
      case "vtt", "webvtt" -> "text/vtt";
      case "ts" -> "video/mp2t";
      default -> kind == RelayTokens.Kind.MAP ? "video/mp4" : "video/mp2t";
    };
  }

  private long segmentTtl(String channelId) {
    ChannelState s = states.get(channelId);
    long td = s == null || s.targetSeconds == 0 ? DEFAULT_TARGET_SECONDS : s.targetSeconds;
    return TimeUnit.SECONDS.toNanos(Math.clamp(4 * td, 8, 120));
  }

  private void segmentFailed(String channelId, ChannelSource source) {
    ChannelState s = states.get(channelId);
    if (s != null && source.url().equals(s.activeUrl) && ++s.segmentFailures >= config.failAfter()) {
      s.switchPending = true;
    }
  }

  private void segmentOk(String channelId, ChannelSource source) {
    ChannelState s = states.get(channelId);
    if (s != null && source.url().equals(s.activeUrl)) {
      s.segmentFailures = 0;
    }
  }

  // ---- housekeeping ----

  private void sweep() {
    long now = System.nanoTime();
    segments.sweep(now);
    playlists.sweep(now);
    for (Iterator<ChannelState> it = states.values().iterator(); it.hasNext(); ) {
      ChannelState s = it.next();
      if (now - s.lastUsed > TimeUnit.MINUTES.toNanos(IDLE_MINUTES)) {
        it.remove();
      }
    }
    for (Map<String, Long> seen : viewers.values()) {
      seen.values().removeIf(t -> now - t > VIEWER_WINDOW.toNanos());
    }
  }

  @Override
  public void close() {
    long timer = sweepTimer;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    upstream.close();
  }
}
