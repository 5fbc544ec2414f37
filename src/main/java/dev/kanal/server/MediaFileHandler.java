package dev.kanal.server;

import dev.kanal.server.FileReply.FileFacts;
import dev.kanal.server.FileReply.FileRange;
import dev.kanal.server.FileReply.Message;
import dev.kanal.server.FileReply.Multipart;
import dev.kanal.server.RangeHeader.ByteRange;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET} and {@code HEAD /media/:id/file}: byte serving of catalogued files with RFC 9110 ranges
 * and conditional requests (decided by {@link FileReply}). The lookup, {@code stat} and {@code open}
 * run on a bounded worker pool with a deadline while the request is paused; bodies go out with
 * zero-copy {@code sendFile} (multipart bodies in bounded chunks, see {@link MultipartWriter}), so the
 * memory a download holds does not grow with the file, and the file is closed as soon as the body is
 * done or the client has gone.
 */
final class MediaFileHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(MediaFileHandler.class);

  /** Longest id passed to {@link MediaFiles#find}. */
  static final int MAX_ID_LENGTH = 128;

  private final Vertx vertx;
  private final MediaFiles files;
  private final WorkerExecutor io;
  private final int maxPending;
  private final Duration lookupTimeout;
  private final AtomicInteger pending = new AtomicInteger();
  private final int maxRanges;

  /**
   * A handler looking files up in {@code files} on {@code io}, with at most {@code maxPending} lookups
   * queued (more are answered 503) and each answered 503 after {@code lookupTimeout}.
   */
  MediaFileHandler(Vertx vertx, MediaFiles files, WorkerExecutor io, int maxPending, Duration lookupTimeout) {
    this(vertx, files, io, maxPending, lookupTimeout, RangeHeader.MAX_RANGES);
  }

  /** As above, with at most {@code maxRanges} ranges per request (more serve the whole file). */
  MediaFileHandler(Vertx vertx, MediaFiles files, WorkerExecutor io, int maxPending, Duration lookupTimeout,
      int maxRanges) {
    this.maxRanges = maxRanges;
    this.vertx = vertx;
    this.files = files;
    this.io = io;
    this.maxPending = maxPending;
    this.lookupTimeout = lookupTimeout;
  }

  /** A file opened for one reply: what to send, and the open file when the reply has a body. */
  private record Prepared(FileReply reply, FileChannel channel) {}

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String id = ctx.pathParam("id");
    if (!validId(id)) {
      send(ctx, new Prepared(notFound(), null));
      return;
    }
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      send(ctx, new Prepared(busy("the server is busy, try again in a moment"), null));
      return;
    }
    boolean head = request.method() == HttpMethod.HEAD;
    String downloadParam = request.getParam("download");
    boolean download = "1".equals(downloadParam) || "true".equals(downloadParam);
    MultiMap headers = request.headers();
    boolean paused = !request.isEnded();
    if (paused) {
      request.pause();
    }
    AtomicBoolean answered = new AtomicBoolean();
    long timer = vertx.setTimer(lookupTimeout.toMillis(), t -> {
      if (answered.compareAndSet(false, true)) {
        log.warn("event=media.lookup.timeout id={} timeoutMs={}", id, lookupTimeout.toMillis());
        resume(request, paused);
        send(ctx, new Prepared(busy("looking up the media file took too long, try again in a moment"), null));
      }
    });
    io.<Prepared>executeBlocking(() -> prepare(id, headers, head, download), false).onComplete(ar -> {
      pending.decrementAndGet();
      vertx.cancelTimer(timer);
      if (!answered.compareAndSet(false, true)) {
        if (ar.succeeded()) {
          closeQuietly(ar.result().channel());
        }
        return;
      }
      resume(request, paused);
      if (ar.failed()) {
        log.error("event=media.failed id={} message={}", id, String.valueOf(ar.cause()));
        send(ctx, new Prepared(FileReply.error(500, "the media file cannot be read", List.of()), null));
      } else {
        send(ctx, ar.result());
      }
    });
  }

  private static void resume(HttpServerRequest request, boolean paused) {
    if (paused && !request.isEnded()) {
      request.resume();
    }
  }

  /** Runs on the worker pool: looks the id up, reads size and time from the file system, opens the file for a body. */
  private Prepared prepare(String id, MultiMap headers, boolean head, boolean download) throws IOException {
    Optional<MediaFile> found = files.find(id);
    if (found.isEmpty()) {
      return new Prepared(notFound(), null);
    }
    MediaFile file = found.get();
    Path path = file.path();
    FileChannel channel = null;
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        log.warn("event=media.not_a_file id={}", id);
        return new Prepared(notFound(), null);
      }
      long size = attributes.size();
      if (!head) {
        channel = FileChannel.open(path, StandardOpenOption.READ);
        size = channel.size();
      }
      FileFacts facts = new FileFacts(size, attributes.lastModifiedTime().toInstant().getEpochSecond(),
          file.contentType(), file.fileName());
      FileReply reply = FileReply.plan(headers, facts, download, boundary(), maxRanges);
      if (!(reply.body() instanceof FileRange || reply.body() instanceof Multipart)) {
        closeQuietly(channel);
        channel = null;
      }
      return new Prepared(reply, channel);
    } catch (NoSuchFileException e) {
      closeQuietly(channel);
      log.warn("event=media.missing id={}", id);
      return new Prepared(notFound(), null);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /** Runs on the event loop: writes the reply, handing the open file to {@code sendFile} or the multipart writer. */
  private void send(RoutingContext ctx, Prepared prepared) {
    HttpServerResponse response = ctx.response();
    FileReply reply = prepared.reply();
    FileChannel channel = prepared.channel();
    if (response.closed() || response.ended()) {
      closeQuietly(channel);
      return;
    }
    try {
      response.setStatusCode(reply.status());
      response.putHeader("Date", HttpDates.now());
      for (Map.Entry<String, String> h : reply.headers()) {
        response.putHeader(h.getKey(), h.getValue());
      }
      boolean head = ctx.request().method() == HttpMethod.HEAD;
      if (head || channel == null) {
        closeQuietly(channel);
        if (!head && reply.body() instanceof Message m) {
          response.end(Buffer.buffer(m.json()));
        } else {
          response.end();
        }
        return;
      }
      switch (reply.body()) {
        case FileRange f -> {
          ByteRange r = f.range();
          response.sendFile(channel, r.start(), r.length()).onComplete(ar -> {
            closeQuietly(channel);
            if (ar.failed()) {
              // Usually the client went away (a player seeking); else the file shrank and the promised
              // Content-Length cannot be met: either way the connection must end.
              log.debug("event=media.send.aborted message={}", String.valueOf(ar.cause()));
              ctx.request().connection().close();
            }
          });
        }
        case Multipart m -> new MultipartWriter(ctx, channel, io, m).start();
        default -> {
          closeQuietly(channel);
          response.end();
        }
      }
    } catch (RuntimeException e) {
      // E.g. a header value the catalog got wrong (a line break in a content type): a 500, not a hang.
      closeQuietly(channel);
      if (!response.headWritten()) {
        response.headers().clear();
        ctx.fail(e);
      } else {
        ctx.request().connection().close();
      }
    }
  }

  /** Ids are 1 to {@value #MAX_ID_LENGTH} characters of {@code A-Z a-z 0-9 _ -}: nothing that could name a path. */
  static boolean validId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static FileReply notFound() {
    return FileReply.error(404, "no such media file", List.of());
  }

  private static FileReply busy(String message) {
    return FileReply.error(503, message, List.of(Map.entry("Retry-After", "1")));
  }

  /** 20 random digits: as long as nginx's boundary, so a multipart reply has nginx's exact length. */
  private static String boundary() {
    return String.format("%020d", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
  }

  static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing to do: the descriptor is released either way.
      }
    }
  }
}
