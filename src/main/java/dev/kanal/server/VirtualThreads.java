package dev.kanal.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/** Blocking work of API routes (database, files, ffmpeg) off the event loop. */
final class VirtualThreads {

  private VirtualThreads() {}

  /**
   * Runs {@code work} on {@code executor} (the server's virtual threads) and completes the returned
   * future on the calling event loop's context, so its handlers may touch the response.
   */
  static <T> Future<T> call(Vertx vertx, ExecutorService executor, Callable<T> work) {
    var context = vertx.getOrCreateContext();
    CompletableFuture<T> done = new CompletableFuture<>();
    executor.execute(() -> {
      try {
        done.complete(work.call());
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    });
    return Future.fromCompletionStage(done, context);
  }
}
