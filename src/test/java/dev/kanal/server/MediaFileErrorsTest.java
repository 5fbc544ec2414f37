package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.RawHttp;
import dev.kanal.testing.RawHttp.Response;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sees when the catalog or the file system fails: one JSON sentence, never a path or a
 * stack trace, and no leaked file; a slow catalog is answered 503 after the deadline, and lookups
 * beyond the queue bound are answered 503 at once.
 */
class MediaFileErrorsTest {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;
  Vertx vertx;
  HttpServer server;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private int serve(MediaFiles files, int maxPending, Duration lookupTimeout) throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    MediaFileHandler handler = new MediaFileHandler(vertx, files, vertx.createSharedWorkerExecutor("test-media-io", 4),
        maxPending, lookupTimeout);
    router.get("/media/:id/file").handler(handler);
    router.errorHandler(500, ctx -> KanalServer.json(ctx, 500, KanalServer.error("internal error")));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private MediaFile file(Path path, String contentType) {
    return new MediaFile(path, 11, Instant.now(), contentType, "film.mp4");
  }

  private static Response get(int port, String id) throws Exception {
    return RawHttp.request(port, "GET", "/media/" + id + "/file", List.of(), TIMEOUT);
  }

  @Test
  void catalogThrows_isJson500WithoutDetails() throws Exception {
    int port = serve(id -> {
      throw new IllegalStateException("database at /var/lib/kanal/secret.db is locked");
    }, 16, TIMEOUT);
    Response r = get(port, "any");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.header("Content-Type")).contains("application/json; charset=utf-8");
    assertThat(r.text()).isEqualTo("{\"error\":\"the media file cannot be read\"}");
  }

  @Test
  void catalogPointsAtMissingFileOrFolder_is404() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("folder"));
    int port = serve(id -> Optional.of(file(id.equals("missing") ? dir.resolve("gone.mp4") : folder, "video/mp4")), 16,
        TIMEOUT);
    for (String id : List.of("missing", "folder")) {
      Response r = get(port, id);
      assertThat(r.status()).as(id).isEqualTo(404);
      assertThat(r.text()).as(id).isEqualTo("{\"error\":\"no such media file\"}");
    }
  }

  @Test
  void contentTypeWithLineBreak_isJson500AndNoInjectedHeader() throws Exception {
    Path film = Files.writeString(dir.resolve("film.mp4"), "abcdefghijk");
    int port = serve(id -> Optional.of(file(film, "video/mp4\r\nX-Injected: yes")), 16, TIMEOUT);
    Response r = get(port, "film");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.header("X-Injected")).isEmpty();
    assertThat(r.header("ETag")).isEmpty();
    assertThat(Long.parseLong(r.header("Content-Length").orElseThrow())).isEqualTo(r.body().length);
    assertThat(MediaFileServingTest.openDescriptorsOf(film)).isZero();
  }

  @Test
  void slowCatalog_is503AfterDeadline_andTheLateFileIsClosed() throws Exception {
    Path film = Files.writeString(dir.resolve("film.mp4"), "abcdefghijk");
    CountDownLatch answered = new CountDownLatch(1);
    int port = serve(id -> {
      try {
        answered.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Optional.of(file(film, "video/mp4"));
    }, 16, Duration.ofMillis(300));
    long start = System.nanoTime();
    Response r = get(port, "film");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    answered.countDown();
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("Retry-After")).contains("1");
    assertThat(r.text()).startsWith("{\"error\":\"looking up the media file took too long");
    MediaFileServingTest.awaitTrue(() -> MediaFileServingTest.openDescriptorsOf(film) == 0, Duration.ofSeconds(5),
        "the file opened after the deadline is closed");
  }

  @Test
  void moreLookupsThanTheQueueHolds_areAnswered503AtOnce() throws Exception {
    Path film = Files.writeString(dir.resolve("film.mp4"), "abcdefghijk");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    int port = serve(id -> {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Optional.of(file(film, "video/mp4"));
    }, 1, TIMEOUT);
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Response> first = pool.submit(() -> get(port, "film"));
      assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
      Response second = get(port, "film");
      assertThat(second.status()).isEqualTo(503);
      assertThat(second.text()).isEqualTo("{\"error\":\"the server is busy, try again in a moment\"}");
      release.countDown();
      Response r = first.get(10, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("abcdefghijk");
    }
  }
}
