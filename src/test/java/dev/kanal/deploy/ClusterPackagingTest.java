package dev.kanal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.Nginx;
import dev.kanal.testing.PackageApi;
import dev.kanal.testing.PackagingVideos;
import dev.kanal.testing.RedisServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Issue #12: packaging jobs across nodes. Two Kanal worker nodes share one Redis, one media folder and
 * one packages folder; ten jobs are queued (through both nodes, so every job is requested twice), one
 * node is killed with SIGKILL while it packages, and the other finishes every job: each published
 * exactly once, the killed node's job after its lease.
 */
@Tag("slow")
class ClusterPackagingTest {

  static final int JOBS = 10;

  @TempDir
  Path dir;

  @Test
  void tenJobs_twoWorkers_eachPublishedOnce_andAKilledNodesJobIsFinishedByTheOther() throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    for (int i = 0; i < JOBS; i++) {
      // Different lengths: different files (fingerprints), each a few seconds of packaging.
      Files.copy(PackagingVideos.make("cluster" + i + ".mp4", 640, 360, 16 + i, "1500k"), media.resolve("clip" + i + ".mp4"));
    }
    Path packages = dir.resolve("packages");
    try (RedisServer redis = RedisServer.start(); RedisClient jedis = RedisClient.create(redis.url())) {
      Path config = dir.resolve("kanal.yaml");
      Files.writeString(config, """
          store:
            redis:
              url: %s
          vod:
            packaging:
              ladder:
                - { height: 360, videoKbps: 700, audioKbps: 64 }
                - { height: 240, videoKbps: 350, audioKbps: 64 }
              concurrency: 1
              lease: 3s
              output: %s
          """.formatted(redis.url(), packages));
      try (KanalProcess nodeA = node(config, "dataA", media); KanalProcess nodeB = node(config, "dataB", media)) {
        JsonHttp a = new JsonHttp(url(nodeA));
        JsonHttp b = new JsonHttp(url(nodeB));
        List<String> ids = awaitVideos(a);
        assertThat(awaitVideos(b)).as("both nodes see the same videos").containsExactlyInAnyOrderElementsOf(ids);

        for (String id : ids) {
          assertThat(a.post("/api/videos/" + id + "/package", "{}").status()).isEqualTo(202);
        }
        for (String id : ids) {
          JsonHttp.Reply again = b.post("/api/videos/" + id + "/package", "{}");
          assertThat(again.status()).isEqualTo(202);
          assertThat(again.json().getString("state")).as("requested twice, queued once").isIn("queued", "running", "published");
        }

        // Kill node A while it packages one of them (its progress is past 0, so ffmpeg is at work).
        String killed = awaitRunningOn(jedis, ids, nodeA.pid(), Duration.ofSeconds(180));
        nodeA.kill(Duration.ofSeconds(10));

        for (String id : ids) {
          PackageApi.awaitState(b, id, "published", Duration.ofSeconds(300));
        }
        for (String id : ids) {
          Map<String, String> job = jedis.hgetAll("kanal:pkg:job:" + id);
          assertThat(job.get("publishes")).as("publishes of %s: %s", id, job).isEqualTo("1");
          JsonObject written = new JsonObject(Files.readString(packages.resolve(id).resolve("job.json")));
          assertThat(written.getString("jobId")).isEqualTo(job.get("jobId"));
          assertThat(packages.resolve(id).resolve("master.m3u8")).isRegularFile();
        }
        JsonObject finished = new JsonObject(Files.readString(packages.resolve(killed).resolve("job.json")));
        assertThat(finished.getString("node")).as("the killed node's job was finished by the other")
            .contains("-" + nodeB.pid() + "-");
        assertThat(nodeB.stderr()).contains("event=package.takeover id=" + killed);

        try (Stream<Path> left = Files.list(packages)) {
          assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")))
              .as("no temporary folder left in the packages folder").isEmpty();
        }
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
            .map(c -> c.contains(packages.resolve(".tmp-").toString())).orElse(false)).count())
            .as("the killed node's ffmpeg does not go on writing").isZero();
        assertThat(jedis.xpending("kanal:pkg:jobs", "workers").getTotal()).as("every entry acknowledged").isZero();

        // The surviving node serves the package the other node started.
        JsonHttp.Reply master = b.get("/vod/" + killed + "/master.m3u8");
        assertThat(master.status()).isEqualTo(200);
        assertThat(master.body().lines().filter(l -> l.startsWith("#EXT-X-STREAM-INF")).count()).isEqualTo(2);
      }
    }
  }

  /** The video node {@code pid} is packaging, once its progress has passed 0. */
  static String awaitRunningOn(RedisClient jedis, List<String> ids, long pid, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      seen.clear();
      for (String id : ids) {
        Map<String, String> job = jedis.hgetAll("kanal:pkg:job:" + id);
        seen.add(id + "=" + job);
        if ("running".equals(job.get("state")) && job.getOrDefault("node", "").contains("-" + pid + "-")
            && Double.parseDouble(job.getOrDefault("progress", "0")) > 0) {
          return id;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("node " + pid + " never packaged anything: " + seen);
  }

  private final Map<KanalProcess, String> urls = new java.util.HashMap<>();

  KanalProcess node(Path config, String data, Path media) throws Exception {
    KanalProcess p = KanalProcess.start(dir, "serve", "--config", config.toString(), "--port",
        String.valueOf(Nginx.freePort()), "--data", dir.resolve(data).toString(), "--media", media.toString());
    urls.put(p, p.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(60)));
    return p;
  }

  String url(KanalProcess p) {
    return urls.get(p);
  }

  static List<String> awaitVideos(JsonHttp api) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    List<String> ids = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      ids.clear();
      for (Object o : api.get("/api/videos?status=ok&limit=100").json().getJsonArray("items")) {
        ids.add(((JsonObject) o).getString("id"));
      }
      if (ids.size() == JOBS) {
        return ids;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the library never had " + JOBS + " probed videos: " + ids);
  }
}
