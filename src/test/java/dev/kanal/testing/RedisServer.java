package dev.kanal.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real redis-server (the Debian package, {@code /usr/bin/redis-server}) on 127.0.0.1 and a free
 * port, as a child process with its own temporary folder, no persistence ({@code --save ''},
 * {@code --appendonly no}), stopped by {@link #close}. The peer of the Redis store tests.
 */
public final class RedisServer implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private final Process process;
  private final Path dir;
  private final int port;

  private RedisServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** The redis-server executable: {@code /usr/bin/redis-server}, else on PATH; fails with how to install it. */
  public static Path executable() {
    return Executables.find(Path.of("/usr/bin/redis-server"), "redis-server", "apt-get install -y redis-server");
  }

  /** Starts a Redis on a free loopback port. */
  public static RedisServer start() throws IOException, InterruptedException {
    AssertionError last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return tryStart(Nginx.freePort());
      } catch (AssertionError e) {
        last = e; // the port was taken between the probe and the bind: try another
      }
    }
    throw last;
  }

  private static RedisServer tryStart(int port) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("kanal-redis-");
    Process process = new ProcessBuilder(executable().toString(), "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
        "--daemonize", "no", "--loglevel", "warning", "--maxmemory", "64mb", "--io-threads", "1")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    RedisServer redis = new RedisServer(process, dir, port);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String log = redis.log();
        redis.close();
        throw new AssertionError("redis-server exited at start (code " + process.exitValue() + "):\n" + log);
      }
      if (redis.pong()) {
        return redis;
      }
      Thread.sleep(20);
    }
    String log = redis.log();
    redis.close();
    throw new AssertionError("redis-server did not answer PING on 127.0.0.1:" + port + " within " + START_TIMEOUT + ":\n" + log);
  }

  private boolean pong() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      return n == 7 && new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException notYet) {
      return false;
    }
  }

  /** The port Redis listens on (127.0.0.1). */
  public int port() {
    return port;
  }

  /** The URL for {@code store.redis.url}, e.g. {@code redis://127.0.0.1:41234}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Redis's log so far. */
  public String log() {
    try {
      Path p = dir.resolve("redis.log");
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "[cannot read the log: " + e.getMessage() + "]";
    }
  }

  /** Stops Redis (SIGTERM, then SIGKILL after a few seconds) and deletes its folder. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
