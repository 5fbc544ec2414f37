package dev.kanal.hls;

import dev.kanal.hls.Sinks.Track;
import dev.kanal.playlist.HlsByteRange;
import dev.kanal.playlist.HlsKey;
import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.MediaPlaylist.Segment;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One track of a recording, split like streamlink's HLS stream: this thread is the worker (loads
 * and reloads the media playlist on a strict interval and queues new segments), fetches run on
 * virtual threads, and a writer thread takes {@code (segment, future)} pairs from a bounded queue
 * and writes them strictly in order.
 */
class Pipeline {

  /** Looked up on first use: initialising logging costs a CLI recording seconds of start-up. */
  private static Logger log() {
    return LoggerFactory.getLogger(Pipeline.class);
  }

  private final Track track;
  private final URI playlistUri;
  private final RecordOptions options;
  private final HlsHttp http;
  private final Aes128 aes;
  private final Sinks.Sink sink;
  private final Recording rec;
  private final SegmentTracker tracker;
  private final Budget budget;
  private final BlockingQueue<Entry> queue;
  private final ConcurrentHashMap<InitKey, CompletableFuture<byte[]>> inits = new ConcurrentHashMap<>();
  private volatile MediaPlaylist current;
  private volatile URI currentBase;
  private long order;
  private BigDecimal queuedSeconds = BigDecimal.ZERO;

  /** A queued segment and its download. */
  private record Entry(long order, SegmentTracker.Pick pick, CompletableFuture<Fetched> result) {}

  private static final Entry END = new Entry(-1, null, null);

  /** Identifies an initialization section (EXT-X-MAP): its resolved URI and byte range. */
  record InitKey(URI uri, Optional<HlsByteRange> range) {}

  /** The outcome of one segment download; never an exception, so the writer only has to look. */
  sealed interface Fetched {
    long held();
  }

  record Ok(byte[] data, Optional<InitKey> initKey, byte[] init) implements Fetched {
    public long held() {
      return data.length + (init == null ? 0 : init.length);
    }
  }

  record Failed(String reason) implements Fetched {
    public long held() {
      return 0;
    }
  }

  record Fatal(HlsException error) implements Fetched {
    public long held() {
      return 0;
    }
  }

  Pipeline(Track track, URI playlistUri, MediaPlaylist first, RecordOptions options, HlsHttp http, Aes128 aes,
      Sinks.Sink sink, Recording rec) {
    this.track = track;
    this.playlistUri = playlistUri;
    this.current = first;
    this.currentBase = playlistUri;
    this.options = options;
    this.http = http;
    this.aes = aes;
    this.sink = sink;
    this.rec = rec;
    this.tracker = new SegmentTracker(options.liveEdge(), options.fromStart());
    this.budget = new Budget(options.memoryBudget());
    this.queue = new ArrayBlockingQueue<>(Math.max(4, options.threads() * 4));
  }

  /** How many segments a playlist will add on the first load (for VOD progress). */
  static long initialCount(MediaPlaylist p, RecordOptions options) {
    return new SegmentTracker(options.liveEdge(), options.fromStart()).update(p).picks().size();
  }

  /** Runs the worker in this thread and the writer in another, until the end, the duration or a stop. */
  void run() throws InterruptedException {
    Thread writer = Thread.ofVirtual().name("hls-writer-" + track.label).start(this::writeLoop);
    try {
      work();
    } finally {
      queue.put(END);
      writer.join();
    }
  }

  private void work() throws InterruptedException {
    MediaPlaylist playlist = current;
    long lastSuccess = System.nanoTime();
    long target = Math.max(1, playlist.targetDurationSeconds().orElse(6));
    while (!rec.isStopped()) {
      long reloadStart = System.nanoTime();
      boolean changed = false;
      if (playlist != null) {
        target = Math.max(1, playlist.targetDurationSeconds().orElse(target));
        SegmentTracker.Update update = tracker.update(playlist);
        update.missed().ifPresent(m -> rec.gap(new RecordSummary.Gap(track.label, m.firstSequence(), m.count(),
            m.durationSeconds(), "fell behind the live window (the playlist no longer listed them)")));
        for (SegmentTracker.Pick pick : update.picks()) {
          if (durationReached()) {
            return;
          }
          if (rec.isStopped()) {
            return;
          }
          submit(pick);
          changed = true;
        }
        if (playlist.endList() || durationReached()) {
          return;
        }
      }
      // Strict interval from the start of the previous reload: target duration, halved while unchanged.
      long interval = Duration.ofSeconds(target).toNanos() / (changed || playlist == null ? 1 : 2);
      if (rec.awaitStop(reloadStart + interval - System.nanoTime())) {
        return;
      }
      try {
        HlsRecorder.Loaded loaded = HlsRecorder.loadMedia(http, playlistUri);
        playlist = loaded.playlist();
        current = playlist;
        currentBase = loaded.uri();
        lastSuccess = System.nanoTime();
      } catch (HlsException e) {
        playlist = null;
        Duration failing = Duration.ofNanos(System.nanoTime() - lastSuccess);
        if (failing.compareTo(options.playlistErrorWindow()) > 0) {
          rec.fail(new HlsException(HlsException.Kind.UPSTREAM, "the playlist has failed for "
              + failing.toSeconds() + " s, longer than the error window of " + options.playlistErrorWindow().toSeconds()
              + " s: " + e.getMessage(), e));
          return;
        }
        log().debug("event=hls.playlist.error uri={} failingMs={} error=\"{}\"", playlistUri, failing.toMillis(),
            e.getMessage());
        rec.listener.on(new RecordEvent.PlaylistError(e.getMessage(), failing));
      }
    }
  }

  private boolean durationReached() {
    Optional<Duration> max = options.maxDuration();
    if (max.isEmpty()) {
      return false;
    }
    BigDecimal limit = BigDecimal.valueOf(max.get().toMillis()).movePointLeft(3);
    if (queuedSeconds.compareTo(limit) >= 0) {
      if (track == Track.VIDEO) {
        rec.stop("duration of " + max.get().toSeconds() + " s reached");
      }
      return true;
    }
    return false;
  }

  private void submit(SegmentTracker.Pick pick) throws InterruptedException {
    long myOrder = order++;
    URI base = currentBase;
    queuedSeconds = queuedSeconds.add(pick.segment().durationSeconds());
    CompletableFuture<Fetched> result;
    if (pick.segment().gap()) {
      result = CompletableFuture.completedFuture(new Failed("marked EXT-X-GAP in the playlist"));
    } else {
      result = CompletableFuture.supplyAsync(() -> fetch(myOrder, pick.segment(), base), rec.fetchPool);
    }
    queue.put(new Entry(myOrder, pick, result));
  }

  /** Downloads, decrypts and returns one segment with its initialization section. */
  Fetched fetch(long myOrder, Segment segment, URI base) {
    try {
      Optional<HlsKey> key = Aes128.applicableKey(segment.keys());
      budget.awaitRoom(myOrder);
      rec.downloads.acquire();
      long start = System.nanoTime();
      boolean congested = true;
      try {
        Optional<InitKey> initKey = segment.map().map(m -> new InitKey(base.resolve(m.uri()), m.byteRange()));
        byte[] init = null;
        if (initKey.isPresent()) {
          init = init(initKey.get());
        }
        URI uri = base.resolve(segment.uri());
        byte[] data;
        try {
          HlsHttp.Body body = http.fetch(uri, segment.byteRange(), HlsHttp.Purpose.SEGMENT);
          congested = body.attempts() > 1;
          data = body.bytes();
        } catch (IOException e) {
          congested = HlsHttp.isRetryable(e);
          throw e;
        }
        if (key.isPresent()) {
          URI keyUri = base.resolve(key.get().uri().orElseThrow(() -> new HlsException(HlsException.Kind.UPSTREAM,
              "EXT-X-KEY METHOD=AES-128 without a URI")));
          data = Aes128.decrypt(data, key(keyUri), Aes128.iv(key.get(), segment.mediaSequence()));
        }
        Ok ok = new Ok(data, initKey, init);
        budget.add(ok.held());
        return ok;
      } finally {
        rec.downloads.release(System.nanoTime() - start, congested);
      }
    } catch (HlsException e) {
      return new Fatal(e);
    } catch (IOException e) {
      return new Failed(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Failed("interrupted");
    } catch (RuntimeException e) {
      return new Failed(e.toString());
    }
  }

  private byte[] init(InitKey k) throws IOException, InterruptedException {
    CompletableFuture<byte[]> mine = new CompletableFuture<>();
    CompletableFuture<byte[]> existing = inits.putIfAbsent(k, mine);
    if (existing != null) {
      try {
        return existing.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IOException("initialization section " + k.uri() + ": " + e.getCause().getMessage(), e.getCause());
      }
    }
    try {
      byte[] bytes = http.fetch(k.uri(), k.range(), HlsHttp.Purpose.INIT).bytes();
      mine.complete(bytes);
      return bytes;
    } catch (IOException | InterruptedException e) {
      inits.remove(k, mine);
      mine.completeExceptionally(e);
      throw e;
    }
  }

  private byte[] key(URI keyUri) throws HlsException, InterruptedException {
    try {
      return aes.key(keyUri);
    } catch (HlsHttp.StatusException e) {
      if (e.status() == 401 || e.status() == 403) {
        throw new HlsException(HlsException.Kind.UPSTREAM, "the key server refused the decryption key (HTTP "
            + e.status() + ") at " + keyUri + ": the stream needs headers or cookies Kanal did not send"
            + " (try --header, --referer or --user-agent)", e);
      }
      throw new HlsException(HlsException.Kind.UPSTREAM, "cannot fetch the decryption key at " + keyUri + ": "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new HlsException(HlsException.Kind.UPSTREAM, "cannot fetch the decryption key at " + keyUri + ": "
          + e.getMessage(), e);
    }
  }

  private void writeLoop() {
    long offset = 0;
    long written = 0;
    BigDecimal seconds = BigDecimal.ZERO;
    InitKey lastInit = null;
    while (true) {
      Entry e;
      try {
        e = queue.take();
      } catch (InterruptedException ex) {
        return;
      }
      if (e == END) {
        return;
      }
      Fetched f = e.result().join();
      try {
        if (rec.fatal().isPresent()) {
          continue;
        }
        Segment s = e.pick().segment();
        if ((s.discontinuity() || e.pick().reset()) && (written > 0 || offset > 0)) {
          sink.discontinuity(track);
          lastInit = null;
          rec.discontinuity(new RecordSummary.Discontinuity(track.label, s.mediaSequence(), offset,
              e.pick().reset() ? "media sequence reset" : "EXT-X-DISCONTINUITY"));
        }
        switch (f) {
          case Fatal fatal -> rec.fail(fatal.error());
          case Failed failed -> rec.gap(new RecordSummary.Gap(track.label, s.mediaSequence(), 1, s.durationSeconds(),
              failed.reason()));
          case Ok ok -> {
            if (ok.initKey().isPresent() && !Objects.equals(ok.initKey().get(), lastInit)) {
              sink.write(track, ok.init());
              offset += ok.init().length;
              rec.totalBytes.addAndGet(ok.init().length);
              lastInit = ok.initKey().get();
            }
            sink.write(track, ok.data());
            offset += ok.data().length;
            written++;
            seconds = seconds.add(s.durationSeconds());
            long total = rec.totalBytes.addAndGet(ok.data().length);
            if (track == Track.VIDEO) {
              rec.mainSegment(s.durationSeconds());
            }
            rec.listener.on(new RecordEvent.Segment(track.label, s.mediaSequence(), ok.data().length, written, total,
                seconds));
          }
        }
      } catch (IOException ex) {
        rec.fail(new HlsException(HlsException.Kind.OUTPUT, "cannot write the output: " + ex.getMessage(), ex));
      } finally {
        budget.release(f.held(), e.order());
      }
    }
  }

  /**
   * Bytes downloaded but not yet written. A download waits before it starts while the budget is
   * spent, except the one the writer needs next, so the budget can never deadlock the writer.
   */
  static final class Budget {
    private final long limit;
    private long held;
    private long next;

    Budget(long limit) {
      this.limit = limit;
    }

    synchronized void awaitRoom(long order) throws InterruptedException {
      while (held >= limit && order != next) {
        wait(1000);
      }
    }

    synchronized void add(long bytes) {
      held += bytes;
    }

    synchronized void release(long bytes, long order) {
      held -= bytes;
      next = order + 1;
      notifyAll();
    }

    synchronized long held() {
      return held;
    }
  }
}
