package dev.kanal.relay;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.OptionalLong;

/**
 * One upstream response shared by every viewer of it: the head once it is known, the body as a
 * list of chunks that only grows, then the end or a failure. The relay's context writes it; viewers
 * on any event loop read it through {@link Reader}s, each with its own position, so a viewer who
 * joins late replays the chunks received so far and then follows as new ones arrive. Nobody waits
 * for a lock held across I/O: every method holds the lock for a few field accesses.
 */
final class SharedBody {

  /**
   * The upstream response head, as passed on.
   *
   * @param status 200, or 206 for a range
   * @param contentType the media type to send
   * @param contentLength the body length when the upstream said it
   * @param contentRange the Content-Range of a 206
   */
  record Head(int status, String contentType, OptionalLong contentLength, String contentRange) {}

  /** Told when something new can be read; called on the writer's thread, so it must only schedule work. */
  interface Listener {
    void wake();
  }

  /** A snapshot of what a reader may consume next. */
  record View(Head head, List<Buffer> chunks, boolean ended, RelayException failure) {}

  private final Object lock = new Object();
  private final ArrayList<Buffer> chunks = new ArrayList<>();
  private final Set<Listener> listeners = new LinkedHashSet<>();
  private Head head;
  private long size;
  private boolean ended;
  private RelayException failure;

  /** Sets the head (once). */
  void head(Head value) {
    List<Listener> wake;
    synchronized (lock) {
      head = value;
      wake = List.copyOf(listeners);
    }
    wake.forEach(Listener::wake);
  }

  /** Appends a chunk of the body. */
  void append(Buffer chunk) {
    List<Listener> wake;
    synchronized (lock) {
      chunks.add(chunk);
      size += chunk.length();
      wake = List.copyOf(listeners);
    }
    wake.forEach(Listener::wake);
  }

  /** Marks the body complete. */
  void end() {
    List<Listener> wake;
    synchronized (lock) {
      ended = true;
      wake = List.copyOf(listeners);
      listeners.clear();
    }
    wake.forEach(Listener::wake);
  }

  /** Marks the body failed; readers that have sent nothing answer the error, the others cut the response. */
  void fail(RelayException e) {
    List<Listener> wake;
    synchronized (lock) {
      if (ended || failure != null) {
        return;
      }
      failure = e;
      wake = List.copyOf(listeners);
      listeners.clear();
    }
    wake.forEach(Listener::wake);
  }

  boolean ended() {
    synchronized (lock) {
      return ended;
    }
  }

  boolean failed() {
    synchronized (lock) {
      return failure != null;
    }
  }

  /** The whole body, once ended (for tests and small resources). */
  Buffer bytes() {
    synchronized (lock) {
      Buffer all = Buffer.buffer((int) size);
      chunks.forEach(all::appendBuffer);
      return all;
    }
  }

  /** Registers a listener (when the body is still open) and returns what can be read from {@code from} on. */
  View subscribe(Listener listener, int from) {
    synchronized (lock) {
      if (!ended && failure == null) {
        listeners.add(listener);
      }
      return view(from);
    }
  }

  /** Forgets a listener (its viewer went away). */
  void unsubscribe(Listener listener) {
    synchronized (lock) {
      listeners.remove(listener);
    }
  }

  /** What can be read from chunk {@code from} on. */
  View view(int from) {
    synchronized (lock) {
      List<Buffer> next = from >= chunks.size() ? List.of() : List.copyOf(chunks.subList(from, chunks.size()));
      return new View(head, next, ended, failure);
    }
  }
}
