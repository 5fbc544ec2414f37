package dev.kanal.server;

import dev.kanal.server.FileReply.Multipart;
import dev.kanal.server.FileReply.Part;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@code multipart/byteranges} body: Vert.x's zero-copy {@code sendFile} must be the whole
 * response, so parts are copied instead, one {@value #CHUNK}-byte read at a time on the worker pool,
 * and the next read only starts when the connection's write queue has room. One chunk in flight plus
 * the bounded write queue is all the memory a multipart download holds, whatever the file size; the
 * number and total size of parts are already bounded by {@link RangeHeader}. Runs on the event loop
 * except for the reads.
 */
final class MultipartWriter {

  private static final Logger log = LoggerFactory.getLogger(MultipartWriter.class);

  /** Bytes read from the file per step. */
  static final int CHUNK = 64 * 1024;

  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final FileChannel channel;
  private final WorkerExecutor io;
  private final Multipart body;
  private int index;
  private boolean headerWritten;
  private long position;
  private long remaining;
  private boolean done;

  MultipartWriter(RoutingContext ctx, FileChannel channel, WorkerExecutor io, Multipart body) {
    this.ctx = ctx;
    this.response = ctx.response();
    this.channel = channel;
    this.io = io;
    this.body = body;
  }

  /** Starts writing; the file is closed when the body is complete or the client has gone. */
  void start() {
    ctx.addEndHandler(ar -> finish());
    step();
  }

  private void step() {
    while (!done) {
      if (response.closed()) {
        finish();
        return;
      }
      if (index == body.parts().size()) {
        finish();
        response.end(Buffer.buffer(body.closing()));
        return;
      }
      Part part = body.parts().get(index);
      if (!headerWritten) {
        response.write(Buffer.buffer(part.header()));
        headerWritten = true;
        position = part.range().start();
        remaining = part.range().length();
      }
      if (remaining == 0) {
        index++;
        headerWritten = false;
        continue;
      }
      if (response.writeQueueFull()) {
        response.drainHandler(v -> {
          response.drainHandler(null);
          step();
        });
        return;
      }
      int length = (int) Math.min(CHUNK, remaining);
      long at = position;
      io.executeBlocking(() -> read(channel, at, length), false).onComplete(ar -> {
        if (done || response.closed()) {
          finish();
          return;
        }
        if (ar.failed()) {
          log.warn("event=media.read.failed message={}", String.valueOf(ar.cause()));
          finish();
          ctx.request().connection().close();
          return;
        }
        response.write(ar.result());
        position += length;
        remaining -= length;
        step();
      });
      return;
    }
  }

  private void finish() {
    done = true;
    MediaFileHandler.closeQuietly(channel);
  }

  private static Buffer read(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new EOFException("the file became shorter while it was being sent");
      }
    }
    return Buffer.buffer(buffer.array());
  }
}
