package dev.kanal.server;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One HTTP client of {@code /live/{id}.ts}. Chunks from ffmpeg are queued on the response's event loop
 * without waiting; the bytes written but not yet taken by the socket are counted (a write's future
 * completes once Netty has handed it to the kernel), and {@link #offer} refuses a chunk when that
 * backlog would pass the bound, which makes the relay drop this viewer. The status line and headers
 * go out with the first chunk, so a stream that fails before sending anything is still answered
 * with a JSON error.
 */
final class TsViewer implements TsRelay.Viewer {

  private final Context context;
  private final HttpServerResponse response;
  private final long maxBacklog;
  private final AtomicLong backlog = new AtomicLong();
  /** Touched on the event loop only. */
  private boolean started;
  private volatile boolean done;
  private volatile TsRelay.Ticket ticket;

  /** Call on the response's event loop. */
  TsViewer(Context context, HttpServerResponse response, long maxBacklog) {
    this.context = context;
    this.response = response;
    this.maxBacklog = maxBacklog;
    response.closeHandler(v -> gone());
    response.exceptionHandler(e -> gone());
  }

  /** The relay accepted the viewer; if the client already left, it leaves at once. */
  void joined(TsRelay.Ticket value) {
    ticket = value;
    if (done) {
      value.leave();
    }
  }

  /** Whether the response is finished (ended, dropped or closed by the client). */
  boolean done() {
    return done;
  }

  @Override
  public boolean offer(Buffer chunk) {
    if (done) {
      return true;
    }
    int n = chunk.length();
    if (backlog.addAndGet(n) > maxBacklog) {
      backlog.addAndGet(-n);
      return false;
    }
    context.runOnContext(v -> {
      if (done) {
        backlog.addAndGet(-n);
        return;
      }
      if (!started) {
        started = true;
        response.setStatusCode(200).setChunked(true)
            .putHeader("Content-Type", "video/mp2t")
            .putHeader("Cache-Control", "no-store");
      }
      response.write(chunk).onComplete(ar -> backlog.addAndGet(-n));
    });
    return true;
  }

  @Override
  public void end(int status, String reason) {
    context.runOnContext(v -> {
      if (done) {
        return;
      }
      done = true;
      if (response.ended() || response.closed()) {
        return;
      }
      if (started) {
        response.end();
      } else {
        response.setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
            .putHeader("Cache-Control", "no-store").end(KanalServer.error(reason).encode());
      }
    });
  }

  @Override
  public void drop() {
    context.runOnContext(v -> {
      done = true;
      if (!response.closed()) {
        response.reset();
      }
    });
  }

  private void gone() {
    done = true;
    TsRelay.Ticket t = ticket;
    if (t != null) {
      t.leave();
    }
  }
}
