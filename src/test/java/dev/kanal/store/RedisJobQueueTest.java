package dev.kanal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig;
import dev.kanal.testing.RedisServer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RedisJobQueue} against a real redis-server: idempotent requests, leases, take-over, fenced publishing. */
class RedisJobQueueTest {

  static RedisServer redis;
  static final AtomicInteger QUEUES = new AtomicInteger();
  static final Duration LEASE = Duration.ofMillis(600);
  static final Duration NO_WAIT = Duration.ofMillis(50);

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  /** A fresh queue (its own key prefix) per test. */
  static RedisJobQueue queue() throws StoreException {
    return RedisJobQueue.open(new KanalConfig.RedisConfig(redis.url(), Duration.ofSeconds(2)), "t" + QUEUES.incrementAndGet());
  }

  static RedisJobQueue sameQueue(RedisJobQueue q) throws StoreException {
    return RedisJobQueue.open(new KanalConfig.RedisConfig(redis.url(), Duration.ofSeconds(2)), "t" + QUEUES.get());
  }

  static Optional<RedisJobQueue.Claim> take(RedisJobQueue q, String consumer) throws StoreException {
    return q.next(consumer, consumer + "/" + System.nanoTime(), LEASE, NO_WAIT);
  }

  @Test
  void request_isIdempotentPerJobId_andANewJobIdSupersedes() throws Exception {
    try (RedisJobQueue q = queue()) {
      assertThat(q.request("v1", "job-a")).isTrue();
      assertThat(q.request("v1", "job-a")).as("the same job again").isFalse();
      assertThat(q.state("v1")).get().extracting(RedisJobQueue.JobState::state).isEqualTo("queued");

      Optional<RedisJobQueue.Claim> a = take(q, "n1");
      assertThat(a).get().extracting(RedisJobQueue.Claim::jobId).isEqualTo("job-a");
      assertThat(q.request("v1", "job-a")).as("running").isFalse();
      assertThat(take(q, "n2")).as("nothing else queued").isEmpty();

      assertThat(q.request("v1", "job-b")).as("the file changed: a new job").isTrue();
      assertThat(q.renew(a.get(), "n1", LEASE)).isEqualTo(RedisJobQueue.Renewal.STOPPED);
      q.release(a.get());
      Optional<RedisJobQueue.Claim> b = take(q, "n2");
      assertThat(b).get().extracting(RedisJobQueue.Claim::jobId).isEqualTo("job-b");
      assertThat(q.beginPublish(b.get())).isTrue();
      assertThat(q.finishPublish(b.get())).isTrue();
      assertThat(q.state("v1")).get().satisfies(s -> {
        assertThat(s.state()).isEqualTo("published");
        assertThat(s.publishes()).isEqualTo(1);
        assertThat(s.jobId()).isEqualTo("job-b");
      });
      assertThat(q.request("v1", "job-b")).as("published").isFalse();
      assertThat(q.pending()).as("every entry acknowledged").isZero();
    }
  }

  @Test
  void aHolderThatStopsRenewing_losesTheJobAfterTheLease_andCannotPublishIt() throws Exception {
    try (RedisJobQueue q = queue()) {
      q.request("v2", "job");
      RedisJobQueue.Claim dead = take(q, "n1").orElseThrow();
      assertThat(dead.previousState()).isEqualTo("queued");
      assertThat(take(q, "n2")).as("held: not given to another worker").isEmpty();

      Thread.sleep(LEASE.toMillis() + 300);
      RedisJobQueue.Claim taken = take(q, "n2").orElseThrow();
      assertThat(taken.previousState()).as("taken over from a worker that was running it").isEqualTo("running");
      assertThat(q.state("v2")).get().extracting(RedisJobQueue.JobState::node).isEqualTo("n2");

      assertThat(q.renew(dead, "n1", LEASE)).isEqualTo(RedisJobQueue.Renewal.LOST);
      assertThat(q.beginPublish(dead)).as("the old holder is fenced off").isFalse();
      assertThat(q.progress(dead, 50)).isFalse();

      assertThat(q.renew(taken, "n2", LEASE)).isEqualTo(RedisJobQueue.Renewal.HELD);
      assertThat(q.progress(taken, 50)).isTrue();
      assertThat(q.beginPublish(taken)).isTrue();
      assertThat(q.finishPublish(taken)).isTrue();
      assertThat(q.state("v2")).get().extracting(RedisJobQueue.JobState::publishes).isEqualTo(1L);
      assertThat(q.pending()).isZero();
    }
  }

  @Test
  void renewing_keepsTheJobPastTheLease() throws Exception {
    try (RedisJobQueue q = queue()) {
      q.request("v3", "job");
      RedisJobQueue.Claim held = take(q, "n1").orElseThrow();
      for (int i = 0; i < 6; i++) {
        Thread.sleep(LEASE.toMillis() / 3);
        assertThat(q.renew(held, "n1", LEASE)).isEqualTo(RedisJobQueue.Renewal.HELD);
        assertThat(take(q, "n2")).as("renewed %d times: still held", i + 1).isEmpty();
      }
    }
  }

  @Test
  void cancel_stopsTheHolder_andAQueuedJobIsDroppedWhenTaken() throws Exception {
    try (RedisJobQueue q = queue()) {
      q.request("v4", "job");
      q.request("v5", "job");
      RedisJobQueue.Claim running = take(q, "n1").orElseThrow();
      assertThat(q.cancel(running.key())).isTrue();
      assertThat(q.cancel("v5")).isTrue();
      assertThat(q.cancel("nothing")).isFalse();
      assertThat(q.renew(running, "n1", LEASE)).isEqualTo(RedisJobQueue.Renewal.STOPPED);
      q.release(running);
      assertThat(take(q, "n2")).as("the cancelled queued job is dropped").isEmpty();
      assertThat(q.state("v4")).get().extracting(RedisJobQueue.JobState::state).isEqualTo("cancelled");
      assertThat(q.state("v5")).get().extracting(RedisJobQueue.JobState::state).isEqualTo("cancelled");
      assertThat(q.pending()).isZero();
      assertThat(q.request("v5", "job")).as("requested again after a cancel").isTrue();
    }
  }

  @Test
  void requeue_givesTheJobToAnotherWorkerAtOnce_andFailRecordsWhy() throws Exception {
    try (RedisJobQueue q = queue(); RedisJobQueue other = sameQueue(q)) {
      q.request("v6", "job");
      RedisJobQueue.Claim c = take(q, "n1").orElseThrow();
      q.requeue(c);
      RedisJobQueue.Claim again = take(other, "n2").orElseThrow();
      assertThat(again.previousState()).isEqualTo("queued");
      other.fail(again, "ffmpeg exited with 1");
      assertThat(q.state("v6")).get().satisfies(s -> {
        assertThat(s.state()).isEqualTo("failed");
        assertThat(s.error()).isEqualTo("ffmpeg exited with 1");
        assertThat(s.publishes()).isZero();
      });
      assertThat(q.pending()).isZero();
    }
  }

  @Test
  void aJobLeftPublishing_isAdoptedWithoutASecondPublish() throws Exception {
    try (RedisJobQueue q = queue()) {
      q.request("v7", "job");
      RedisJobQueue.Claim dying = take(q, "n1").orElseThrow();
      assertThat(q.beginPublish(dying)).isTrue();
      // n1 renames its package into place and dies before saying so; n2 takes the job over.
      Thread.sleep(LEASE.toMillis() + 300);
      RedisJobQueue.Claim taken = take(q, "n2").orElseThrow();
      assertThat(taken.previousState()).isEqualTo("publishing");
      assertThat(q.adoptPublished(taken)).isTrue();
      assertThat(q.state("v7")).get().satisfies(s -> {
        assertThat(s.state()).isEqualTo("published");
        assertThat(s.publishes()).as("not counted twice").isZero();
      });
      assertThat(q.finishPublish(dying)).as("the dead worker cannot finish later").isFalse();
      assertThat(q.pending()).isZero();
    }
  }

  @Test
  void manyWorkers_eachJobTakenOnce() throws Exception {
    try (RedisJobQueue q = queue()) {
      for (int i = 0; i < 20; i++) {
        q.request("m" + i, "job");
      }
      java.util.Set<String> taken = java.util.concurrent.ConcurrentHashMap.newKeySet();
      AtomicInteger twice = new AtomicInteger();
      try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
        for (int w = 0; w < 4; w++) {
          String consumer = "w" + w;
          pool.submit(() -> {
            for (int n = 0; n < 20; n++) {
              Optional<RedisJobQueue.Claim> c = take(q, consumer);
              if (c.isPresent()) {
                if (!taken.add(c.get().key())) {
                  twice.incrementAndGet();
                }
                q.beginPublish(c.get());
                q.finishPublish(c.get());
              }
            }
            return null;
          });
        }
      }
      assertThat(taken).hasSize(20);
      assertThat(twice).hasValue(0);
      for (int i = 0; i < 20; i++) {
        assertThat(q.state("m" + i)).get().extracting(RedisJobQueue.JobState::publishes).isEqualTo(1L);
      }
    }
  }
}
