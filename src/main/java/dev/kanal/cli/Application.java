package dev.kanal.cli;

import dev.kanal.config.KanalConfig;
import dev.kanal.server.KanalServer;
import dev.kanal.server.Metrics;
import dev.kanal.server.ServerStartException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where Kanal's components are built from the configuration and wired together;
 * {@code serve} and {@code demo} both run through it.
 */
final class Application implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Application.class);

  private final Metrics metrics;
  private final KanalServer server;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private Application(Metrics metrics, KanalServer server) {
    this.metrics = metrics;
    this.server = server;
  }

  /** Starts every component; on failure, closes what was started. */
  static Application start(KanalConfig config, Optional<Path> demoDir) throws ServerStartException {
    Metrics metrics = Metrics.create(Version.current());
    try {
      KanalServer server = KanalServer.start(new KanalServer.Options(config.server().host(), config.server().port(),
          Version.current(), config.server().shutdownTimeout(), demoDir, Optional.empty()), metrics);
      return new Application(metrics, server);
    } catch (ServerStartException | RuntimeException e) {
      metrics.close();
      throw e;
    }
  }

  /** The server's base URL. */
  String url() {
    return server.url();
  }

  /** Blocks until SIGTERM/SIGINT (or {@link #close}) has stopped everything gracefully. */
  void awaitShutdown() throws InterruptedException {
    Thread hook = new Thread(this::close, "kanal-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
  }

  @Override
  public synchronized void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    log.info("event=shutdown.begin");
    try {
      server.close();
      metrics.close();
    } finally {
      stopped.countDown();
    }
  }
}
