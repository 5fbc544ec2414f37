package dev.kanal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SegmentCacheTest {

  static final long TTL = TimeUnit.SECONDS.toNanos(10);

  private static SegmentCache.Key key(int i) {
    return new SegmentCache.Key(1, "http://up/" + i + ".ts", "");
  }

  /** Puts a complete body of {@code size} bytes. */
  private static SharedBody add(SegmentCache cache, int i, int size, long now) {
    SharedBody body = new SharedBody();
    cache.put(key(i), body, now);
    body.head(new SharedBody.Head(200, "video/mp2t", OptionalLong.of(size), null));
    body.append(Buffer.buffer(new byte[size]));
    cache.grew(key(i), body, size);
    body.end();
    cache.completed(key(i), body, TTL, now);
    return body;
  }

  @Test
  void completeEntries_pastTheByteBound_areEvictedLeastRecentlyUsedFirst() {
    SegmentCache cache = new SegmentCache(1000);
    add(cache, 1, 300, 0);
    add(cache, 2, 300, 1);
    add(cache, 3, 300, 2);
    assertThat(cache.bytes()).isEqualTo(900);
    assertThat(cache.get(key(1), 3)).isNotNull(); // 1 is now the most recently used
    add(cache, 4, 300, 4);
    assertThat(cache.bytes()).isEqualTo(900);
    assertThat(cache.contains(key(2))).as("least recently used").isFalse();
    assertThat(cache.contains(key(1))).isTrue();
    assertThat(cache.contains(key(3))).isTrue();
    assertThat(cache.contains(key(4))).isTrue();
    add(cache, 5, 950, 5);
    assertThat(cache.bytes()).isLessThanOrEqualTo(1000);
    assertThat(cache.contains(key(5))).isTrue();
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void downloadsInProgress_areNeverEvicted_andCountTowardsTheBound() {
    SegmentCache cache = new SegmentCache(1000);
    add(cache, 1, 400, 0);
    SharedBody streaming = new SharedBody();
    cache.put(key(2), streaming, 1);
    for (int i = 0; i < 10; i++) {
      streaming.append(Buffer.buffer(new byte[100]));
      cache.grew(key(2), streaming, 100);
    }
    assertThat(cache.contains(key(1))).as("complete entry evicted for the download").isFalse();
    assertThat(cache.get(key(2), 1)).isSameAs(streaming);
    streaming.append(Buffer.buffer(new byte[500]));
    cache.grew(key(2), streaming, 500);
    assertThat(cache.bytes()).as("over the bound while nothing else can go").isEqualTo(1500);
    streaming.end();
    cache.completed(key(2), streaming, TTL, 2);
    assertThat(cache.bytes()).as("once complete it is evictable like the rest").isZero();
  }

  @Test
  void entries_expireAfterTheirTtl_andFailedOnesGoAtOnce() {
    SegmentCache cache = new SegmentCache(10_000);
    add(cache, 1, 100, 0);
    assertThat(cache.get(key(1), TTL - 1)).isNotNull();
    assertThat(cache.get(key(1), TTL)).isNull();
    add(cache, 1, 100, TTL); // a stale entry is replaced by the next download
    assertThat(cache.bytes()).isEqualTo(100);
    cache.sweep(2 * TTL);
    assertThat(cache.bytes()).isZero();
    add(cache, 2, 100, 0);
    add(cache, 3, 100, TTL);
    cache.sweep(TTL + 1);
    assertThat(cache.contains(key(2))).isFalse();
    assertThat(cache.contains(key(3))).isTrue();
    SharedBody failing = new SharedBody();
    cache.put(key(4), failing, 0);
    failing.append(Buffer.buffer(new byte[50]));
    cache.grew(key(4), failing, 50);
    failing.fail(new RelayException(502, "boom"));
    cache.remove(key(4), failing);
    assertThat(cache.contains(key(4))).isFalse();
    assertThat(cache.bytes()).isEqualTo(100);
  }

  @Test
  void sharedBody_lateReaderReplaysThenFollows() {
    SharedBody body = new SharedBody();
    List<String> wakes = new ArrayList<>();
    body.head(new SharedBody.Head(200, "video/mp2t", OptionalLong.empty(), null));
    body.append(Buffer.buffer("ab"));
    body.append(Buffer.buffer("cd"));
    SharedBody.Listener late = () -> wakes.add("late");
    SharedBody.View first = body.subscribe(late, 0);
    assertThat(first.chunks()).extracting(Buffer::toString).containsExactly("ab", "cd");
    body.append(Buffer.buffer("ef"));
    assertThat(wakes).containsExactly("late");
    SharedBody.View next = body.subscribe(late, 2);
    assertThat(next.chunks()).extracting(Buffer::toString).containsExactly("ef");
    assertThat(next.ended()).isFalse();
    body.end();
    assertThat(body.subscribe(late, 3).ended()).isTrue();
    assertThat(body.bytes().toString()).isEqualTo("abcdef");
  }
}
