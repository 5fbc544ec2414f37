package dev.kanal.testing;

import dev.kanal.server.KanalServer;
import dev.kanal.server.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Runs Kanal's HTTP server in its own JVM with every file of one folder served at
 * {@code /media/{name without extension}/file}, for the range benchmark and the memory test:
 * {@code MediaServerMain DIR [PORT]}. Prints {@code listening URL} on stdout and runs until killed.
 */
public final class MediaServerMain {

  private MediaServerMain() {}

  /** Starts the server; arguments are the folder and, optionally, the port (default: any free port). */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: MediaServerMain DIR [PORT]");
      System.exit(2);
    }
    TestMediaFiles files = TestMediaFiles.folder(Path.of(args[0]));
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    Metrics metrics = Metrics.create("bench");
    KanalServer server = KanalServer.start(new KanalServer.Options("127.0.0.1", port, "bench", Duration.ofSeconds(2),
        Optional.empty(), Optional.of(files)), metrics);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      metrics.close();
      stopped.countDown();
    }, "media-server-shutdown"));
    System.out.println("listening " + server.url() + " ids " + files.files().keySet());
    System.out.flush();
    stopped.await();
  }
}
