package dev.kanal.iptv;

import dev.kanal.net.FfmpegNetworkInput;
import dev.kanal.net.SafeHeaders;
import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.playlist.Playlist;
import dev.kanal.playlist.PlaylistParseException;
import dev.kanal.playlist.Playlists;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One health check, on the calling (virtual) thread: HTTP first, then optionally ffprobe. The whole
 * check runs under one deadline: an alarm interrupts the thread when it passes, which aborts a
 * blocked connect, a missing response or a body that trickles in too slowly.
 */
final class StreamCheck {

  /** Playlists larger than this are refused (a live playlist is a few KB). */
  static final int MAX_PLAYLIST_BYTES = 4 * 1024 * 1024;
  private static final int MAX_REDIRECTS = 10;
  private static final String DEFAULT_USER_AGENT = "Mozilla/5.0 (compatible; Kanal/0.1)";

  private final HttpClient client;
  private final ScheduledExecutorService alarms;
  private final Optional<Path> ffprobe;

  StreamCheck(HttpClient client, ScheduledExecutorService alarms, Optional<Path> ffprobe) {
    this.client = client;
    this.alarms = alarms;
    this.ffprobe = ffprobe;
  }

  /** A decided verdict, thrown to leave the check early. */
  private static final class Verdict extends Exception {
    final CheckStatus status;
    final OptionalInt http;

    Verdict(CheckStatus status, OptionalInt http, String detail) {
      super(detail, null, false, false);
      this.status = status;
      this.http = http;
    }
  }

  /** What a check found out besides its status, and whom to tell when bytes arrive. */
  private static final class Findings {
    final Runnable progress;
    int variants;
    Optional<MasterPlaylist.Resolution> maxResolution = Optional.empty();
    OptionalLong maxBandwidth = OptionalLong.empty();
    OptionalInt http = OptionalInt.empty();

    Findings(Runnable progress) {
      this.progress = progress;
    }
  }

  /** Checks one target within {@code timeout}; never throws, a failure is a verdict. */
  CheckResult run(CheckTarget target, Duration timeout) {
    return run(target, timeout, () -> {});
  }

  /**
   * Checks one target within {@code timeout}, calling {@code progress} (on the checking thread)
   * whenever a response starts or body bytes arrive, so a caller can tell a silent check from a busy one.
   */
  CheckResult run(CheckTarget target, Duration timeout, Runnable progress) {
    Instant checkedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    long start = System.nanoTime();
    Thread self = Thread.currentThread();
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> alarm = alarms.schedule(() -> {
      expired.set(true);
      self.interrupt();
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    Findings found = new Findings(progress);
    CheckStatus status;
    String detail;
    OptionalInt http;
    try {
      detail = check(target, found, start + timeout.toNanos());
      status = CheckStatus.ALIVE;
      http = found.http;
    } catch (Verdict v) {
      status = v.status;
      detail = v.getMessage();
      http = v.http.isPresent() ? v.http : found.http;
    } catch (InterruptedException | InterruptedIOException | HttpTimeoutException e) {
      status = CheckStatus.TIMEOUT;
      detail = "no answer within " + seconds(timeout);
      http = found.http;
    } catch (IOException e) {
      http = found.http;
      if (expired.get()) {
        status = CheckStatus.TIMEOUT;
        detail = "no answer within " + seconds(timeout);
      } else if (causeIs(e, ConnectException.class)) {
        status = CheckStatus.DEAD;
        detail = "connection refused";
      } else if (causeIs(e, UnknownHostException.class)) {
        status = CheckStatus.DEAD;
        detail = "unknown host";
      } else {
        status = CheckStatus.DEAD;
        detail = "connection failed: " + describe(e);
      }
    } catch (RuntimeException e) {
      status = CheckStatus.UNKNOWN;
      detail = "check failed: " + e;
      http = found.http;
    } finally {
      alarm.cancel(false);
    }
    if (expired.get() && status != CheckStatus.ALIVE && status != CheckStatus.TIMEOUT) {
      // An interrupt may surface as any I/O failure; past the deadline it is a timeout.
      status = CheckStatus.TIMEOUT;
      detail = "no answer within " + seconds(timeout);
    }
    Thread.interrupted();
    long latencyMs = (System.nanoTime() - start) / 1_000_000;
    return new CheckResult(target.channelId(), target.name(), target.url(), status, http, latencyMs, detail,
        found.variants, found.maxResolution, found.maxBandwidth, checkedAt);
  }

  private String check(CheckTarget target, Findings found, long deadline)
      throws Verdict, IOException, InterruptedException {
    URI uri;
    try {
      uri = new URI(target.url().strip());
    } catch (URISyntaxException e) {
      throw new Verdict(CheckStatus.INVALID, OptionalInt.empty(), "not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new Verdict(CheckStatus.UNKNOWN, OptionalInt.empty(), "only http and https URLs can be checked, not '" + scheme + "'");
    }
    Map<String, String> headers = target.headers();
    try (Fetched first = fetch(uri, headers, deadline, found, "")) {
      byte[] head = first.head();
      if (head.length == 0) {
        throw new Verdict(CheckStatus.INVALID, OptionalInt.of(first.status), "empty response");
      }
      if (looksLikePlaylist(head, first.contentType)) {
        Playlist playlist = parse(first, "playlist");
        String detail = checkPlaylist(playlist, first.uri, headers, deadline, found, 0);
        probe(target, deadline, found.progress);
        return detail;
      }
      if (looksLikeHtml(head, first.contentType)) {
        throw new Verdict(CheckStatus.INVALID, OptionalInt.of(first.status), "an HTML page, not a stream");
      }
      if (looksLikeMedia(head, first.contentType)) {
        probe(target, deadline, found.progress);
        return "stream started (" + (first.contentType.isEmpty() ? "no Content-Type" : first.contentType) + ")";
      }
      throw new Verdict(CheckStatus.INVALID, OptionalInt.of(first.status),
          "neither a playlist nor a media stream (Content-Type " + (first.contentType.isEmpty() ? "none" : first.contentType) + ")");
    }
  }

  private String checkPlaylist(Playlist playlist, URI base, Map<String, String> headers, long deadline, Findings found,
      int depth) throws Verdict, IOException, InterruptedException {
    switch (playlist) {
      case MasterPlaylist master -> {
        if (depth > 0) {
          throw new Verdict(CheckStatus.INVALID, found.http, "a variant playlist is itself a multivariant playlist");
        }
        List<MasterPlaylist.Variant> variants = master.variants();
        found.variants = variants.size();
        found.maxBandwidth = variants.stream().map(v -> v.stream().bandwidth()).filter(OptionalLong::isPresent)
            .mapToLong(OptionalLong::getAsLong).max();
        found.maxResolution = variants.stream().map(v -> v.stream().resolution()).flatMap(Optional::stream)
            .max(Comparator.comparingLong(r -> (long) r.width() * r.height()));
        if (variants.isEmpty()) {
          throw new Verdict(CheckStatus.INVALID, found.http, "multivariant playlist without variants");
        }
        MasterPlaylist.Variant lowest = variants.stream()
            .min(Comparator.comparingLong(v -> v.stream().bandwidth().orElse(Long.MAX_VALUE))).orElseThrow();
        URI variantUri = resolve(base, lowest.uri());
        try (Fetched variant = fetch(variantUri, headers, deadline, found, "variant playlist ")) {
          if (variant.head().length == 0) {
            throw new Verdict(CheckStatus.INVALID, OptionalInt.of(variant.status), "variant playlist is empty");
          }
          if (looksLikeHtml(variant.head(), variant.contentType)) {
            // Parsed leniently, an HTML page reads as a channel list of its text lines: say what it is.
            throw new Verdict(CheckStatus.INVALID, OptionalInt.of(variant.status), "variant playlist is an HTML page");
          }
          return checkPlaylist(parse(variant, "variant playlist"), variant.uri, headers, deadline, found, depth + 1);
        }
      }
      case MediaPlaylist media -> {
        if (media.segments().isEmpty()) {
          throw new Verdict(CheckStatus.INVALID, found.http, "media playlist without segments");
        }
        URI segmentUri = resolve(base, media.segments().getFirst().uri());
        try (Fetched segment = fetch(segmentUri, headers, deadline, found, "first segment ")) {
          byte[] head = segment.head();
          if (head.length == 0) {
            throw new Verdict(CheckStatus.INVALID, OptionalInt.of(segment.status), "first segment is empty");
          }
          if (looksLikeHtml(head, segment.contentType)) {
            throw new Verdict(CheckStatus.INVALID, OptionalInt.of(segment.status), "first segment is an HTML page");
          }
        }
        return found.variants > 0 ? "HLS, " + found.variants + " variants, first segment started" : "HLS, first segment started";
      }
      case IptvPlaylist iptv -> throw new Verdict(CheckStatus.INVALID, found.http,
          "a channel list (" + iptv.entries().size() + " entries), not a stream");
    }
  }

  private Playlist parse(Fetched fetched, String what) throws Verdict, IOException {
    byte[] all = fetched.rest(MAX_PLAYLIST_BYTES);
    if (all == null) {
      throw new Verdict(CheckStatus.INVALID, OptionalInt.of(fetched.status), what + " is larger than " + MAX_PLAYLIST_BYTES + " bytes");
    }
    try {
      return Playlists.parse(new ByteArrayInputStream(all),
          ParseOptions.DEFAULTS.withBaseUri(fetched.uri).withMaxBytes(MAX_PLAYLIST_BYTES));
    } catch (PlaylistParseException e) {
      throw new Verdict(CheckStatus.INVALID, OptionalInt.of(fetched.status), what + " does not parse: " + e.getMessage());
    }
  }

  /** A 2xx response whose body is open. */
  private static final class Fetched implements AutoCloseable {
    final URI uri;
    final int status;
    final String contentType;
    final InputStream body;
    private byte[] head;

    Fetched(URI uri, int status, String contentType, InputStream body) {
      this.uri = uri;
      this.status = status;
      this.contentType = contentType;
      this.body = body;
    }

    /** The first bytes that arrive (one read), empty at end of stream. */
    byte[] head() throws IOException {
      if (head == null) {
        byte[] buffer = new byte[16 * 1024];
        int n = body.read(buffer);
        head = n <= 0 ? new byte[0] : java.util.Arrays.copyOf(buffer, n);
      }
      return head;
    }

    /** The whole body (head included), or null when it is larger than {@code max}. */
    byte[] rest(int max) throws IOException {
      byte[] first = head();
      byte[] more = body.readNBytes(max + 1 - first.length);
      if (first.length + more.length > max) {
        return null;
      }
      byte[] all = java.util.Arrays.copyOf(first, first.length + more.length);
      System.arraycopy(more, 0, all, first.length, more.length);
      return all;
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  /** A body that reports every read that returns bytes (a slow drip is progress, silence is not). */
  private static final class ProgressStream extends java.io.FilterInputStream {
    private final Runnable progress;

    ProgressStream(InputStream in, Runnable progress) {
      super(in);
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        progress.run();
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        progress.run();
      }
      return n;
    }
  }

  /** GETs {@code uri}, following redirects itself (a loop is a verdict); non-2xx answers are verdicts. */
  private Fetched fetch(URI start, Map<String, String> headers, long deadline, Findings found, String what)
      throws Verdict, IOException, InterruptedException {
    Set<URI> seen = new HashSet<>();
    URI uri = start;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (!seen.add(uri)) {
        throw new Verdict(CheckStatus.DEAD, found.http, what + "redirect loop at " + uri);
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new InterruptedException("deadline");
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(remaining)).GET();
      for (Map.Entry<String, String> h : SafeHeaders.clean(withDefaults(headers)).entrySet()) {
        try {
          request.setHeader(h.getKey(), h.getValue());
        } catch (IllegalArgumentException restricted) {
          // Host, Connection and the like are set by the client; a playlist cannot override them.
        }
      }
      HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      found.progress.run();
      int status = response.statusCode();
      found.http = OptionalInt.of(status);
      if (status >= 300 && status < 400 && status != 304) {
        response.body().close();
        Optional<String> location = response.headers().firstValue("Location");
        if (location.isEmpty()) {
          throw new Verdict(CheckStatus.DEAD, found.http, what + "redirect without Location (HTTP " + status + ")");
        }
        try {
          uri = uri.resolve(new URI(location.get().strip()));
        } catch (URISyntaxException e) {
          throw new Verdict(CheckStatus.DEAD, found.http, what + "redirect to an invalid URL");
        }
        continue;
      }
      if (status == 403 || status == 451) {
        response.body().close();
        throw new Verdict(CheckStatus.GEO_BLOCKED, found.http, what + "answered HTTP " + status);
      }
      if (status < 200 || status >= 300) {
        response.body().close();
        throw new Verdict(CheckStatus.DEAD, found.http, what + "answered HTTP " + status);
      }
      return new Fetched(response.uri(), status, response.headers().firstValue("Content-Type").orElse("").strip(),
          new ProgressStream(response.body(), found.progress));
    }
    throw new Verdict(CheckStatus.DEAD, found.http, what + "more than " + MAX_REDIRECTS + " redirects");
  }

  private static Map<String, String> withDefaults(Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("User-Agent", DEFAULT_USER_AGENT);
    headers.forEach((k, v) -> {
      all.keySet().removeIf(existing -> existing.equalsIgnoreCase(k));
      all.put(k, v);
    });
    return all;
  }

  private static URI resolve(URI base, String reference) throws Verdict {
    try {
      return base.resolve(new URI(reference.strip()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new Verdict(CheckStatus.INVALID, OptionalInt.empty(), "playlist names an invalid URL: " + reference);
    }
  }

  static boolean looksLikePlaylist(byte[] head, String contentType) {
    String type = contentType.toLowerCase(Locale.ROOT);
    if (type.contains("mpegurl")) {
      return true;
    }
    int i = 0;
    if (head.length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF) {
      i = 3;
    }
    while (i < head.length && Character.isWhitespace(head[i])) {
      i++;
    }
    return i < head.length && head[i] == '#';
  }

  static boolean looksLikeHtml(byte[] head, String contentType) {
    String type = contentType.toLowerCase(Locale.ROOT);
    if (type.startsWith("text/html") || type.startsWith("application/xhtml")) {
      return true;
    }
    int i = 0;
    while (i < head.length && Character.isWhitespace(head[i])) {
      i++;
    }
    return i < head.length && head[i] == '<';
  }

  static boolean looksLikeMedia(byte[] head, String contentType) {
    String type = contentType.toLowerCase(Locale.ROOT);
    if (type.startsWith("video/") || type.startsWith("audio/") || type.contains("mpegts") || type.contains("mp2t")
        || type.startsWith("application/octet-stream") || type.startsWith("binary/octet-stream")) {
      return true;
    }
    // MPEG-TS: sync bytes 188 bytes apart (one 'G' alone is also how "Gone" starts), or an ISO-BMFF
    // box ("ftyp"/"styp"/"moof") at offset 4.
    if (head.length > 0 && head[0] == 0x47 && (head.length <= 188 ? !isText(head) : head[188] == 0x47)) {
      return true;
    }
    if (head.length >= 8) {
      String box = new String(head, 4, 4, StandardCharsets.ISO_8859_1);
      return box.equals("ftyp") || box.equals("styp") || box.equals("moof");
    }
    return false;
  }

  /** Whether every byte is printable ASCII or whitespace (a short text answer, not a TS packet). */
  private static boolean isText(byte[] head) {
    for (byte b : head) {
      if (b < 0x09 || (b > 0x0d && b < 0x20) || b == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs ffprobe on the URL when one was configured; a failure is an {@code invalid} verdict. While it
   * runs, {@code progress} is called every 0.5 s (it is reading the stream, so the check is not idle).
   */
  private void probe(CheckTarget target, long deadline, Runnable progress) throws Verdict, IOException, InterruptedException {
    if (ffprobe.isEmpty()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of(ffprobe.get().toString(), "-v", "error"));
    long remainingUs = Math.max(1, (deadline - System.nanoTime()) / 1000);
    command.addAll(List.of("-rw_timeout", Long.toString(remainingUs)));
    // Network protocols only: a playlist whose variant, segment or key is a file: URL cannot make ffprobe read it.
    command.addAll(FfmpegNetworkInput.options(target.headers(), DEFAULT_USER_AGENT));
    command.addAll(List.of("-show_entries", "stream=codec_type", "-of", "csv=p=0", "-i", target.url()));
    Path out = Files.createTempFile("kanal-probe", ".out");
    Path err = Files.createTempFile("kanal-probe", ".err");
    Process process = null;
    try {
      process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      // A running ffprobe reads the stream: that is load, not silence, so it counts as progress.
      long remaining;
      while (!process.waitFor(Math.min(Math.max(0, remaining = deadline - System.nanoTime()), 500_000_000L),
          TimeUnit.NANOSECONDS)) {
        if (remaining <= 0) {
          throw new InterruptedException("ffprobe did not finish in time");
        }
        progress.run();
      }
      String streams = Files.readString(out, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        String message = Files.readString(err, StandardCharsets.UTF_8).lines().findFirst().orElse("exit " + process.exitValue());
        throw new Verdict(CheckStatus.INVALID, OptionalInt.empty(), "ffprobe: " + abbreviate(message, 200));
      }
      if (!streams.contains("video") && !streams.contains("audio")) {
        throw new Verdict(CheckStatus.INVALID, OptionalInt.empty(), "ffprobe found no audio or video stream");
      }
    } finally {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static boolean causeIs(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : abbreviate(message, 200);
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
