package dev.kanal.hls;

import dev.kanal.hls.Sinks.Track;
import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.playlist.MasterPlaylist.Rendition;
import dev.kanal.playlist.MasterPlaylist.RenditionType;
import dev.kanal.playlist.MasterPlaylist.Variant;
import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.playlist.Playlist;
import dev.kanal.playlist.PlaylistParseException;
import dev.kanal.playlist.Playlists;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records an HLS stream: picks a variant of a multivariant playlist, follows live playlists,
 * downloads segments concurrently, decrypts AES-128, and writes them in order to a
 * {@link RecordTarget}. One instance records one stream; {@link #stop()} ends a live recording
 * cleanly from another thread (Ctrl-C).
 */
public final class HlsRecorder {

  /** Looked up on first use: initialising logging costs a CLI recording seconds of start-up. */
  private static Logger log() {
    return LoggerFactory.getLogger(HlsRecorder.class);
  }
  /** Playlists larger than this are refused. */
  static final long MAX_PLAYLIST_BYTES = 64L * 1024 * 1024;

  private final RecordOptions options;
  private final DownloadMetrics metrics;
  private final RandomGenerator random;
  private volatile Recording recording;
  private volatile boolean stopRequested;

  private HlsRecorder(RecordOptions options, DownloadMetrics metrics, RandomGenerator random) {
    this.options = options;
    this.metrics = metrics;
    this.random = random;
  }

  /** A recorder with these options, counting segment downloads in the registry. */
  public static HlsRecorder create(RecordOptions options, io.micrometer.core.instrument.MeterRegistry registry) {
    return new HlsRecorder(options, new MicrometerDownloadMetrics(registry), ThreadLocalRandom.current());
  }

  /**
   * Prepares, on a background thread, what the first request needs and takes long to set up (TLS),
   * for a command that will record or play soon; optional, and harmless when nothing follows.
   */
  public static void warmUp() {
    HlsHttp.warmUp();
  }

  /** The message without a prefix that repeats what the caller already said (the URL). */
  private static String withoutPrefix(String message, String prefix) {
    return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  /** A recorder with these options that counts nothing (the command line: no metrics registry to load). */
  public static HlsRecorder create(RecordOptions options) {
    return new HlsRecorder(options, DownloadMetrics.NONE, ThreadLocalRandom.current());
  }

  /**
   * The stream a URL leads to: the variant for the quality, and its audio rendition if any.
   *
   * @param url the media playlist to read
   * @param quality the chosen variant's name, or "media" when the URL was a media playlist
   * @param audio an alternative audio rendition's media playlist
   * @param finalUri the URL after redirects, for relative URIs
   * @param playlist the media playlist as first loaded
   */
  public record Resolved(URI url, String quality, Optional<URI> audio, URI finalUri, MediaPlaylist playlist) {}

  /** A loaded media playlist and the URL it came from after redirects. */
  record Loaded(MediaPlaylist playlist, URI uri) {}

  /**
   * Loads a URL and picks the variant for the configured quality (no segment is fetched); for
   * {@code kanal play} and for record's first step.
   */
  public Resolved resolve(URI url) throws HlsException, InterruptedException {
    try (HlsHttp http = new HlsHttp(options, metrics, random)) {
      return resolve(http, url, true);
    }
  }

  private Resolved resolve(HlsHttp http, URI url, boolean wantAudio) throws HlsException, InterruptedException {
    HlsHttp.Body body = fetchPlaylist(http, url);
    Playlist playlist = parse(body);
    if (playlist instanceof MediaPlaylist media) {
      return new Resolved(url, "media", Optional.empty(), body.uri(), media);
    }
    if (playlist instanceof IptvPlaylist) {
      throw new HlsException(HlsException.Kind.UNSUPPORTED, url + " is an IPTV channel list, not an HLS stream;"
          + " pass the URL of one of its channels");
    }
    MasterPlaylist master = (MasterPlaylist) playlist;
    Variant variant = Quality.select(master, options.quality());
    URI variantUri = body.uri().resolve(variant.uri());
    Optional<URI> audio = Optional.empty();
    if (wantAudio && variant.groups().audio().isPresent()) {
      audio = master.renditions(RenditionType.AUDIO, variant.groups().audio().get()).stream()
          .filter(r -> r.uri().isPresent())
          .max(Comparator.comparing((Rendition r) -> r.selection().isDefault())
              .thenComparing(r -> r.selection().autoselect()))
          .map(r -> body.uri().resolve(r.uri().get()));
    }
    Loaded media = loadMedia(http, variantUri);
    return new Resolved(variantUri, Quality.name(variant), audio, media.uri(), media.playlist());
  }

  /**
   * Records until the end of the stream, the duration limit, {@link #stop()} or a fatal error.
   * The listener gets a {@link RecordEvent.Finished} with the summary in every case; a fatal error
   * is thrown after whatever was recorded has been written out.
   */
  public RecordSummary record(URI url, RecordTarget target, RecordListener listener)
      throws HlsException, InterruptedException {
    try (HlsHttp http = new HlsHttp(options, metrics, random);
        Recording rec = new Recording(listener, options.threads(), options.maxThreads())) {
      recording = rec;
      if (stopRequested) {
        rec.stop("stopped");
      }
      boolean wantAudio = options.includeAudio() && target.canMuxAudio();
      Resolved resolved = resolve(http, url, wantAudio);
      MediaPlaylist first = resolved.playlist();
      boolean live = !first.endList();
      Aes128 aes = new Aes128(keyUri -> http.fetch(keyUri, Optional.empty(), HlsHttp.Purpose.KEY).bytes());
      Sinks.Sink sink = Sinks.open(target);
      Optional<Pipeline> audio = Optional.empty();
      if (resolved.audio().isPresent()) {
        Loaded a = loadMedia(http, resolved.audio().get());
        audio = Optional.of(new Pipeline(Track.AUDIO, a.uri(), a.playlist(), options, http, aes, sink, rec));
      }
      listener.on(new RecordEvent.Started(resolved.url().toString(), resolved.quality(), live,
          live ? OptionalLong.empty() : OptionalLong.of(Pipeline.initialCount(first, options)),
          resolved.audio().map(URI::toString).orElse("")));
      Thread audioThread = null;
      if (audio.isPresent()) {
        Pipeline a = audio.get();
        audioThread = Thread.ofVirtual().name("hls-worker-audio").start(() -> {
          try {
            a.run();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
      new Pipeline(Track.VIDEO, resolved.finalUri(), first, options, http, aes, sink, rec).run();
      if (audioThread != null) {
        if (!audioThread.join(java.time.Duration.ofSeconds(5))) {
          rec.stop("video ended");
        }
        audioThread.join();
      }
      List<Path> outputs;
      try {
        outputs = sink.finish();
      } catch (HlsException e) {
        rec.fail(e);
        outputs = target.file().map(List::of).orElse(List.of());
      }
      RecordSummary summary = rec.summary(resolved.url().toString(), live, outputs);
      listener.on(new RecordEvent.Finished(summary));
      if (rec.fatal().isPresent()) {
        throw rec.fatal().get();
      }
      return summary;
    } finally {
      recording = null;
    }
  }

  /** Ends a recording cleanly: no new segments are queued, queued ones are written, the output is finished. */
  public void stop() {
    stopRequested = true;
    Recording r = recording;
    if (r != null) {
      r.stop("stopped");
    }
  }

  private static HlsHttp.Body fetchPlaylist(HlsHttp http, URI url) throws HlsException, InterruptedException {
    try {
      return http.fetch(url, Optional.empty(), HlsHttp.Purpose.PLAYLIST);
    } catch (IOException e) {
      throw new HlsException(HlsException.Kind.UPSTREAM, "cannot load the playlist " + url + ": "
          + withoutPrefix(e.getMessage(), url + ": "), e);
    }
  }

  private static Playlist parse(HlsHttp.Body body) throws HlsException {
    if (body.bytes().length > MAX_PLAYLIST_BYTES) {
      throw new HlsException(HlsException.Kind.UPSTREAM, "the playlist " + body.uri() + " is larger than "
          + MAX_PLAYLIST_BYTES + " bytes");
    }
    try {
      return Playlists.parse(new ByteArrayInputStream(body.bytes()),
          ParseOptions.DEFAULTS.withMaxBytes(MAX_PLAYLIST_BYTES).withBaseUri(body.uri()));
    } catch (IOException | PlaylistParseException e) {
      throw new HlsException(HlsException.Kind.UPSTREAM, "cannot read the playlist " + body.uri() + ": "
          + e.getMessage(), e);
    }
  }

  /** Loads a media playlist (a multivariant playlist here is an error). */
  static Loaded loadMedia(HlsHttp http, URI uri) throws HlsException, InterruptedException {
    HlsHttp.Body body = fetchPlaylist(http, uri);
    Playlist p = parse(body);
    if (p instanceof MediaPlaylist media) {
      return new Loaded(media, body.uri());
    }
    throw new HlsException(HlsException.Kind.UPSTREAM, uri + " is not an HLS media playlist");
  }
}
