package dev.kanal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * A real nginx (the Debian package, {@code /usr/sbin/nginx}) serving a folder on 127.0.0.1, as a
 * child process with its own temporary prefix, config, pid file and logs: one process
 * ({@code master_process off}), {@code daemon off}, stopped by {@link #close}. The reference peer for
 * byte-serving tests: {@code sendfile on}, {@code max_ranges 16}, the same media types Kanal uses.
 */
public final class Nginx implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private final Process process;
  private final Path prefix;
  private final int port;

  private Nginx(Process process, Path prefix, int port) {
    this.process = process;
    this.prefix = prefix;
    this.port = port;
  }

  /** The nginx executable: {@code /usr/sbin/nginx}, else {@code nginx} on PATH; fails with how to install it. */
  public static Path executable() {
    return Executables.find(Path.of("/usr/sbin/nginx"), "nginx", "apt-get install -y nginx");
  }

  /**
   * Starts nginx serving {@code root} at {@code /}, with {@code extraHttpDirectives} (e.g.
   * {@code "if_modified_since before;"}) added to its {@code http} block.
   */
  public static Nginx serve(Path root, String... extraHttpDirectives) throws IOException, InterruptedException {
    return withHttpBlock((prefix, port) -> """
        types {
          video/mp4 mp4 m4v;
          video/x-matroska mkv;
          video/webm webm;
          video/mp2t ts;
          text/plain txt;
        }
        default_type application/octet-stream;
        sendfile on;
        tcp_nopush on;
        max_ranges 16;
        keepalive_requests 1000000;
        %s
        server {
          listen 127.0.0.1:%d;
          root %s;
        }
        """.formatted(String.join("\n", extraHttpDirectives), port, root.toAbsolutePath()));
  }

  /**
   * Starts nginx with {@code httpBlock.apply(prefix, port)} inside its {@code http} block, after the
   * temporary paths; it must listen on {@code 127.0.0.1:port} (e.g. a caching reverse proxy for the
   * relay benchmark). One worker, like {@link #serve}.
   */
  public static Nginx withHttpBlock(java.util.function.BiFunction<Path, Integer, String> httpBlock)
      throws IOException, InterruptedException {
    AssertionError last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      Path prefix = Files.createTempDirectory("kanal-nginx-");
      for (String dir : List.of("logs", "tmp")) {
        Files.createDirectories(prefix.resolve(dir));
      }
      int port = freePort();
      String config = """
          daemon off;
          master_process off;
          worker_processes 1;
          error_log %1$s/logs/error.log warn;
          pid %1$s/nginx.pid;
          events { worker_connections 4096; }
          http {
            access_log off;
            server_tokens off;
            client_body_temp_path %1$s/tmp/body;
            proxy_temp_path %1$s/tmp/proxy;
            fastcgi_temp_path %1$s/tmp/fastcgi;
            uwsgi_temp_path %1$s/tmp/uwsgi;
            scgi_temp_path %1$s/tmp/scgi;
            %2$s
          }
          """.formatted(prefix, httpBlock.apply(prefix, port));
      try {
        return launch(prefix, port, config);
      } catch (AssertionError e) {
        last = e; // the free port was taken in between: try another
      }
    }
    throw last;
  }

  private static Nginx launch(Path prefix, int port, String config) throws IOException, InterruptedException {
    Path conf = prefix.resolve("nginx.conf");
    Files.writeString(conf, config, StandardCharsets.UTF_8);
    Process process = new ProcessBuilder(executable().toString(), "-p", prefix.toString(), "-c", conf.toString(),
        "-e", prefix.resolve("logs/error.log").toString())
        .redirectErrorStream(true)
        .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
        .start();
    Nginx nginx = new Nginx(process, prefix, port);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String log = nginx.log();
        nginx.close();
        throw new AssertionError("nginx exited at start (code " + process.exitValue() + "):\n" + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return nginx;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    String log = nginx.log();
    nginx.close();
    throw new AssertionError("nginx did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT + ":\n" + log);
  }

  /** A port that was free a moment ago on 127.0.0.1. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  /** The port nginx listens on (127.0.0.1). */
  public int port() {
    return port;
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** nginx's error log and standard output so far. */
  public String log() {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("logs/error.log", "logs/stdout.log")) {
      Path p = prefix.resolve(name);
      try {
        if (Files.exists(p)) {
          out.append(Files.readString(p, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        out.append("[cannot read ").append(name).append(": ").append(e.getMessage()).append("]\n");
      }
    }
    return out.toString();
  }

  /** Stops nginx (SIGTERM, then SIGKILL after a few seconds) and deletes its prefix. */
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
    deleteTree(prefix);
  }

  private static void deleteTree(Path dir) {
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
