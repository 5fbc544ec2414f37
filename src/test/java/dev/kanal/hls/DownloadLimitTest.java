package dev.kanal.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The download limit's rule, driven with made-up download times. */
class DownloadLimitTest {

  private static final long MS = 1_000_000;

  /** Runs one round: as many downloads as the limit, each taking {@code ms}. */
  private static void round(DownloadLimit limit, long ms) throws InterruptedException {
    int n = limit.limit();
    for (int i = 0; i < n; i++) {
      limit.acquire();
    }
    for (int i = 0; i < n; i++) {
      limit.release(ms * MS, false);
    }
  }

  @Test
  void latencyBound_doublesPerRound_upToTheMaximum() throws Exception {
    DownloadLimit limit = DownloadLimit.adaptive(4, 32);
    round(limit, 50);
    assertThat(limit.limit()).isEqualTo(8);
    round(limit, 52);
    assertThat(limit.limit()).isEqualTo(16);
    round(limit, 49);
    assertThat(limit.limit()).isEqualTo(32);
    round(limit, 50);
    assertThat(limit.limit()).isEqualTo(32);
  }

  @Test
  void bandwidthBound_stopsGrowing_andShrinksWhenDownloadsSlowDownALot() throws Exception {
    DownloadLimit limit = DownloadLimit.adaptive(16, 64);
    round(limit, 100);
    assertThat(limit.limit()).isEqualTo(32);
    round(limit, 200); // twice the fastest: more at once no longer helps, keep the limit
    assertThat(limit.limit()).isEqualTo(32);
    round(limit, 400); // four times: the link is the bottleneck, back off a quarter
    assertThat(limit.limit()).isEqualTo(24);
  }

  @Test
  void afterABottleneck_growsByAQuarterPerRoundOnly() throws Exception {
    DownloadLimit limit = DownloadLimit.adaptive(16, 64);
    round(limit, 100);
    round(limit, 400);
    assertThat(limit.limit()).isEqualTo(24);
    round(limit, 100);
    assertThat(limit.limit()).isEqualTo(30);
    round(limit, 100);
    assertThat(limit.limit()).isEqualTo(37);
  }

  @Test
  void afterARetry_growsByAQuarterPerRoundOnly() throws Exception {
    DownloadLimit limit = DownloadLimit.adaptive(16, 64);
    limit.acquire();
    limit.release(50 * MS, true);
    assertThat(limit.limit()).isEqualTo(8);
    round(limit, 50);
    assertThat(limit.limit()).isEqualTo(10);
  }

  @Test
  void congestion_halvesTheLimit_downToOne() throws Exception {
    DownloadLimit limit = DownloadLimit.adaptive(16, 32);
    limit.acquire();
    limit.release(50 * MS, true);
    assertThat(limit.limit()).isEqualTo(8);
    for (int i = 0; i < 10; i++) {
      limit.acquire();
      limit.release(50 * MS, true);
    }
    assertThat(limit.limit()).isEqualTo(1);
  }

  @Test
  void fixed_neverChanges() throws Exception {
    DownloadLimit limit = DownloadLimit.fixed(16);
    round(limit, 50);
    limit.acquire();
    limit.release(500 * MS, true);
    assertThat(limit.limit()).isEqualTo(16);
  }

  @Test
  void acquire_waitsWhileTheLimitIsReached() throws Exception {
    DownloadLimit limit = DownloadLimit.fixed(2);
    limit.acquire();
    limit.acquire();
    CountDownLatch third = new CountDownLatch(1);
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        limit.acquire();
        third.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(third.await(200, TimeUnit.MILLISECONDS)).isFalse();
    limit.release(MS, false);
    assertThat(third.await(5, TimeUnit.SECONDS)).isTrue();
    t.join();
  }

  @Test
  void acquire_letsWaitersStartInTheOrderTheyAsked() throws Exception {
    DownloadLimit limit = DownloadLimit.fixed(1);
    limit.acquire();
    java.util.List<Integer> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.List<Thread> threads = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int id = i;
      Thread t = Thread.ofPlatform().start(() -> {
        try {
          limit.acquire();
          started.add(id);
          limit.release(MS, false);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      while (t.getState() != Thread.State.WAITING) {
        Thread.sleep(1);
      }
      threads.add(t);
    }
    limit.release(MS, false);
    for (Thread t : threads) {
      t.join(5_000);
    }
    assertThat(started).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void acquire_interruptedWhileWaiting_leavesTheLine() throws Exception {
    DownloadLimit limit = DownloadLimit.fixed(1);
    limit.acquire();
    Thread first = Thread.ofPlatform().start(() -> {
      try {
        limit.acquire();
      } catch (InterruptedException e) {
        // expected: it gives up its place
      }
    });
    while (first.getState() != Thread.State.WAITING) {
      Thread.sleep(1);
    }
    CountDownLatch second = new CountDownLatch(1);
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        limit.acquire();
        second.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    first.interrupt();
    first.join(5_000);
    limit.release(MS, false);
    assertThat(second.await(5, TimeUnit.SECONDS)).as("the next in line starts").isTrue();
    t.join();
  }

  @Test
  void rejectsAnImpossibleRange() {
    assertThatThrownBy(() -> DownloadLimit.adaptive(16, 8)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DownloadLimit.fixed(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
