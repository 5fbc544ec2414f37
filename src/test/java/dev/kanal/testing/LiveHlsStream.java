package dev.kanal.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A simulated live HLS stream on an {@link HlsTestServer}: a sliding-window media playlist that
 * advances in real time, one segment every {@code segmentSeconds}, cycling through prepared TS
 * files. Segment {@code k} of the timeline is {@code /live/g{k}.ts}. An optional media-sequence
 * reset (an encoder restart) makes numbering start again at 0 with a fresh window.
 */
public final class LiveHlsStream {

  private static final Pattern SEGMENT = Pattern.compile("/live/g(\\d+)\\.ts");

  private final List<byte[]> contents;
  private final double segmentSeconds;
  private final int window;
  private final long startNanos;
  private final long resetAfterSegments;

  /**
   * @param contents the TS files to cycle through
   * @param window how many segments the playlist lists
   * @param resetAfterSegments the timeline index where media sequence numbers restart at 0 (-1: never)
   */
  public LiveHlsStream(List<Path> contents, double segmentSeconds, int window, long resetAfterSegments)
      throws IOException {
    this.contents = new ArrayList<>();
    for (Path p : contents) {
      this.contents.add(Files.readAllBytes(p));
    }
    this.segmentSeconds = segmentSeconds;
    this.window = window;
    this.resetAfterSegments = resetAfterSegments;
    // Start with a full window already published.
    this.startNanos = System.nanoTime() - (long) (window * segmentSeconds * 1e9);
  }

  /** Adds the playlist route {@code /live/index.m3u8} and the segment routes to a server. */
  public void install(HlsTestServer server) {
    server.route("/live/index.m3u8", () -> new HlsTestServer.Body(playlist().getBytes(StandardCharsets.UTF_8),
        "application/vnd.apple.mpegurl"));
    server.routePrefix("/live/g", path -> {
      long k = index(path);
      return k < 0 || k >= published() ? null : new HlsTestServer.Body(content(k), "video/mp2t");
    });
  }

  /** How many segments of the timeline have been published so far. */
  public long published() {
    return (long) ((System.nanoTime() - startNanos) / (segmentSeconds * 1e9));
  }

  /** The media sequence number of timeline segment {@code k}. */
  public long sequence(long k) {
    return resetAfterSegments >= 0 && k >= resetAfterSegments ? k - resetAfterSegments : k;
  }

  /** The current playlist text. */
  public String playlist() {
    long n = published();
    long first = Math.max(0, n - window);
    if (resetAfterSegments >= 0 && n > resetAfterSegments) {
      first = Math.max(first, resetAfterSegments);
    }
    StringBuilder b = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n");
    b.append("#EXT-X-TARGETDURATION:").append((long) Math.ceil(segmentSeconds)).append('\n');
    b.append("#EXT-X-MEDIA-SEQUENCE:").append(sequence(first)).append('\n');
    for (long k = first; k < n; k++) {
      b.append(String.format(java.util.Locale.ROOT, "#EXTINF:%.3f,%n", segmentSeconds));
      b.append("g").append(k).append(".ts\n");
    }
    return b.toString();
  }

  /** The bytes of timeline segment {@code k}. */
  public byte[] content(long k) {
    return contents.get((int) (k % contents.size()));
  }

  /** The timeline index of a segment path, or -1. */
  public static long index(String path) {
    Matcher m = SEGMENT.matcher(path);
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }
}
