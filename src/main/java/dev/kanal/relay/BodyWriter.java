package dev.kanal.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends a {@link SharedBody} to one viewer, on the viewer's own event loop: the head once known, then
 * every chunk from the first, as fast as the viewer's connection takes them (write-queue
 * backpressure), then the end. A failure before the head is reported to the caller (who answers an
 * error); after it the connection is reset, so the viewer sees a cut body rather than a short one
 * that looks whole.
 */
final class BodyWriter implements SharedBody.Listener {

  /** The largest write made of several chunks (under half a G1 region, so never a humongous allocation). */
  static final int MAX_WRITE = 256 * 1024;

  private final Context context;
  private final HttpServerResponse response;
  private final SharedBody body;
  private final String cacheControl;
  private final RelayMetrics metrics;
  private final Promise<Void> done = Promise.promise();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private int position;
  private boolean headSent;
  private boolean finished;

  BodyWriter(Context context, HttpServerResponse response, SharedBody body, String cacheControl, RelayMetrics metrics) {
    this.context = context;
    this.response = response;
    this.body = body;
    this.cacheControl = cacheControl;
    this.metrics = metrics;
  }

  /** Starts sending; completes when the response ended, fails (with nothing sent) when the body failed first. */
  Future<Void> start() {
    response.closeHandler(v -> finish());
    response.exceptionHandler(e -> finish());
    pump();
    return done.future();
  }

  @Override
  public void wake() {
    if (scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        scheduled.set(false);
        pump();
      });
    }
  }

  private void pump() {
    if (finished) {
      return;
    }
    SharedBody.View view = body.subscribe(this, position);
    int start = position;
    if (!headSent) {
      if (view.failure() != null) {
        finished = true;
        done.tryFail(view.failure());
        return;
      }
      if (view.head() == null) {
        return;
      }
      SharedBody.Head head = view.head();
      response.setStatusCode(head.status());
      response.putHeader("Content-Type", head.contentType());
      response.putHeader("Cache-Control", cacheControl);
      if (head.contentRange() != null) {
        response.putHeader("Content-Range", head.contentRange());
      }
      if (head.contentLength().isPresent()) {
        response.putHeader("Content-Length", Long.toString(head.contentLength().getAsLong()));
      } else {
        response.setChunked(true);
      }
      headSent = true;
    }
    List<Buffer> chunks = view.chunks();
    int i = 0;
    while (i < chunks.size() && view.failure() == null) {
      // Chunks that are already here go out in writes of up to 256 KiB: fewer writes and flushes
      // (the relay receives 64 KiB chunks; a late or cache-hit viewer has them all at once).
      // The chunks are joined without copying (a composite of views of the shared chunks): a cache hit
      // allocates no body-sized garbage, so a busy relay does not pay for it in GC pauses.
      Buffer out = chunks.get(i++);
      if (i < chunks.size() && out.length() < MAX_WRITE) {
        List<ByteBuf> parts = new ArrayList<>();
        parts.add(((BufferInternal) out).getByteBuf());
        int length = out.length();
        while (i < chunks.size() && length + chunks.get(i).length() <= MAX_WRITE) {
          Buffer next = chunks.get(i++);
          parts.add(((BufferInternal) next).getByteBuf());
          length += next.length();
        }
        out = BufferInternal.buffer(Unpooled.wrappedUnmodifiableBuffer(parts.toArray(ByteBuf[]::new)));
      }
      response.write(out);
      metrics.sent(out.length());
      position = start + i;
      if (response.writeQueueFull()) {
        response.drainHandler(v -> pump());
        return;
      }
    }
    if (view.failure() != null) {
      finish();
      response.reset();
      return;
    }
    if (view.ended()) {
      // The snapshot was taken with the end already set, so every chunk has been written.
      finished = true;
      body.unsubscribe(this);
      response.end();
      done.tryComplete();
    }
  }

  private void finish() {
    if (!finished) {
      finished = true;
      body.unsubscribe(this);
      done.tryComplete();
    }
  }
}
