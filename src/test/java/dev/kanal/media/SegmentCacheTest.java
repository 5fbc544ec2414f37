package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-demand segment cache: bounded in bytes, least recently used out, rebuilt from disk. */
class SegmentCacheTest {

  @TempDir Path dir;

  private Path file(String name) throws Exception {
    return Files.write(dir.resolve(name), new byte[400]);
  }

  @Test
  void put_overTheLimit_evictsTheLeastRecentlyUsed_notTheOldest() throws Exception {
    Path root = dir.resolve("segments");
    SegmentCache cache = new SegmentCache(root, 1000);
    cache.put("v-1", 0, file("a"));
    cache.put("v-1", 1, file("b"));
    assertThat(cache.get("v-1", 0)).isPresent(); // 0 is now more recent than 1
    cache.put("v-1", 2, file("c"));
    assertThat(cache.get("v-1", 1)).isEmpty();
    assertThat(Files.exists(root.resolve("v-1").resolve("1.ts"))).isFalse();
    assertThat(cache.get("v-1", 0)).isPresent();
    assertThat(cache.get("v-1", 2)).isPresent();
    assertThat(cache.totalBytes()).isEqualTo(800);
    assertThat(cache.evictions()).isEqualTo(1);

    SegmentCache reopened = new SegmentCache(root, 1000);
    assertThat(reopened.totalBytes()).isEqualTo(800);
    assertThat(reopened.get("v-1", 2)).isPresent();
    SegmentCache smaller = new SegmentCache(root, 500);
    assertThat(smaller.totalBytes()).isEqualTo(400);
  }
}
