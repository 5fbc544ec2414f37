package dev.kanal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** Waiting on a running server's library and packaging API ({@code /api/videos}, {@code /api/videos/{id}/package}). */
public final class PackageApi {

  private PackageApi() {}

  /** The id of the first video once the library has probed it (fails after 60 s). */
  public static String awaitProbed(JsonHttp api) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      var items = api.get("/api/videos").json().getJsonArray("items");
      if (!items.isEmpty() && items.getJsonObject(0).getString("status").equals("ok")) {
        return items.getJsonObject(0).getString("id");
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the library was not scanned within 60 s");
  }

  /** The job's status once it runs and has reached {@code percent} (it must stay queued or running until then). */
  public static JsonObject awaitProgress(JsonHttp api, String id, double percent) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    JsonObject s = null;
    while (System.nanoTime() < deadline) {
      s = api.get("/api/videos/" + id + "/package").json();
      if (s.getString("state").equals("running") && s.getDouble("progress") >= percent) {
        return s;
      }
      assertThat(s.getString("state")).isIn("queued", "running");
      Thread.sleep(100);
    }
    throw new AssertionError("no progress to " + percent + "%: " + s);
  }

  /** The job's status once it reaches {@code state} (it may only be queued or running before). */
  public static JsonObject awaitState(JsonHttp api, String id, String state, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonObject s = null;
    while (System.nanoTime() < deadline) {
      s = api.get("/api/videos/" + id + "/package").json();
      if (s.getString("state").equals(state)) {
        return s;
      }
      assertThat(s.getString("state")).as(String.valueOf(s)).isIn("queued", "running", state);
      Thread.sleep(250);
    }
    throw new AssertionError("not " + state + " within " + timeout + ": " + s);
  }

  /** {@code playback.decision.mode} of {@code GET /api/videos/{id}}, or "none". */
  public static String decision(JsonHttp api, String id) throws Exception {
    JsonObject d = api.get("/api/videos/" + id).json().getJsonObject("playback").getJsonObject("decision");
    return d == null ? "none" : d.getString("mode");
  }
}
