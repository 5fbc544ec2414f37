package dev.kanal.server;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A chunked response body written from a virtual thread: bytes collect in a 64 KiB buffer, each full
 * buffer is handed to the response's event loop, and the writer waits while Vert.x's write queue is
 * full (backpressure), so a slow client holds one buffer, never the whole document. A client that
 * goes away, or reads nothing for {@code stallTimeout}, makes the next write throw. The caller sets
 * status and headers (and {@code setChunked(true)}) on the event loop before the first write.
 */
final class ResponseOutputStream extends OutputStream {

  static final int CHUNK = 64 * 1024;

  private final Context context;
  private final HttpServerResponse response;
  private final Duration stallTimeout;
  private final byte[] buffer = new byte[CHUNK];
  private int count;
  private volatile boolean gone;
  private volatile CompletableFuture<Void> waiting;
  private boolean closed;

  ResponseOutputStream(Context context, HttpServerResponse response, Duration stallTimeout) {
    this.context = context;
    this.response = response;
    this.stallTimeout = stallTimeout;
    context.runOnContext(v -> response.closeHandler(x -> {
      gone = true;
      CompletableFuture<Void> w = waiting;
      if (w != null) {
        w.completeExceptionally(new IOException("the client closed the connection"));
      }
    }));
  }

  @Override
  public void write(int b) throws IOException {
    if (count == buffer.length) {
      flushBuffer();
    }
    buffer[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (count == buffer.length) {
        flushBuffer();
      }
      int n = Math.min(len, buffer.length - count);
      System.arraycopy(b, off, buffer, count, n);
      count += n;
      off += n;
      len -= n;
    }
  }

  /** Sends what is buffered (flushing a stream mid-document is not needed, so this is the only way out). */
  private void flushBuffer() throws IOException {
    if (count == 0) {
      return;
    }
    Buffer chunk = Buffer.buffer(Arrays.copyOf(buffer, count));
    count = 0;
    await(ready -> {
      response.write(chunk);
      if (response.writeQueueFull()) {
        response.drainHandler(v -> ready.complete(null));
      } else {
        ready.complete(null);
      }
    });
  }

  /** Sends the rest and ends the response. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    flushBuffer();
    await(ready -> response.end().onComplete(ar -> {
      if (ar.succeeded()) {
        ready.complete(null);
      } else {
        ready.completeExceptionally(ar.cause());
      }
    }));
  }

  /** Ends the connection abruptly, so the client sees a truncated body rather than a complete one. */
  void abort() {
    closed = true;
    context.runOnContext(v -> {
      if (!response.ended() && !response.closed()) {
        response.reset();
      }
    });
  }

  private void await(java.util.function.Consumer<CompletableFuture<Void>> action) throws IOException {
    if (gone) {
      throw new IOException("the client closed the connection");
    }
    CompletableFuture<Void> ready = new CompletableFuture<>();
    waiting = ready;
    context.runOnContext(v -> {
      if (gone || response.closed()) {
        ready.completeExceptionally(new IOException("the client closed the connection"));
        return;
      }
      try {
        action.accept(ready);
      } catch (RuntimeException e) {
        ready.completeExceptionally(e);
      }
    });
    try {
      ready.get(stallTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing the response");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("the client read nothing for " + stallTimeout.toSeconds() + " s");
    } finally {
      waiting = null;
    }
  }
}
