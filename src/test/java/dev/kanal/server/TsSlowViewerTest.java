package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.iptv.ChannelCatalog;
import dev.kanal.iptv.Epg;
import dev.kanal.iptv.LiveTv;
import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.TestChannels;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A viewer that stops reading must not stall the others: with a 192 KiB backlog bound (room for
 * ffmpeg's start-up burst of three segments, and small socket buffers, so the kernel does not absorb
 * megabytes first), a client that sends its request and never reads is dropped, while a reading
 * client of the same ffmpeg keeps receiving.
 */
class TsSlowViewerTest {

  Vertx vertx;
  ExecutorService threads;
  Metrics metrics;
  LiveRoutes routes;
  HlsTestServer upstream;

  @AfterEach
  void stop() {
    if (routes != null) {
      routes.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (threads != null) {
      threads.shutdownNow();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (metrics != null) {
      metrics.close();
    }
  }

  @Test
  void slowViewer_isDropped_whileTheOtherKeepsReceiving() throws Exception {
    upstream = TestChannels.liveUpstream();
    ChannelCatalog catalog = ChannelCatalog.of(List.of(TestChannels.channel("one", "One", "Test", null, "",
        TestChannels.source(upstream.uri("/live/index.m3u8").toString(), true))));
    vertx = Vertx.vertx();
    threads = Executors.newVirtualThreadPerTaskExecutor();
    metrics = Metrics.create("test");
    LiveSetup setup = TestChannels.setup(LiveTv.of(catalog, Epg.builder().build()), Duration.ofSeconds(2), 0,
        TestChannels.ffmpeg());
    TsRelay.Limits limits = new TsRelay.Limits(Duration.ofSeconds(2), 0, 192 * 1024, 8 << 20, Duration.ofSeconds(20),
        Duration.ofSeconds(1), 6);
    // No HLS relay here: ffmpeg reads the upstream itself.
    routes = new LiveRoutes(vertx, setup, threads, () -> "http://127.0.0.1", metrics.registry(), limits, false);
    Router router = Router.router(vertx);
    routes.mount(router);
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSendBufferSize(8192))
        .requestHandler(router).listen(0, "127.0.0.1").await();
    String url = "http://127.0.0.1:" + server.actualPort() + "/live/one.ts";

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<InputStream> fast = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(fast.statusCode()).isEqualTo(200);
    AtomicLong fastBytes = new AtomicLong();
    Thread reader = Thread.ofVirtual().start(() -> {
      byte[] buf = new byte[8192];
      try (InputStream in = fast.body()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          fastBytes.addAndGet(n);
        }
      } catch (IOException e) {
        // closed by the test
      }
    });

    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096);
      slow.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5000);
      OutputStream out = slow.getOutputStream();
      out.write("GET /live/one.ts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();

      var droppedCounter = metrics.registry().get("kanal.ts.viewers.dropped").counter();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!routes.relay().orElseThrow().streaming().equals(Map.of("one", 2)) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(routes.relay().orElseThrow().streaming()).as("both viewers joined").isEqualTo(Map.of("one", 2));
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (droppedCounter.count() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(droppedCounter.count()).as("the slow viewer was dropped").isEqualTo(1.0);
      assertThat(routes.relay().orElseThrow().streaming()).isEqualTo(Map.of("one", 1));

      long before = fastBytes.get();
      Thread.sleep(2500);
      assertThat(fastBytes.get()).as("the reading viewer keeps receiving").isGreaterThan(before);
      assertThat(droppedCounter.count()).as("and is not dropped").isEqualTo(1.0);

      // The dropped connection was closed by the server: what the kernel buffered drains, then it ends.
      slow.setSoTimeout(5000);
      InputStream in = slow.getInputStream();
      byte[] buf = new byte[8192];
      boolean ended = false;
      try {
        while (in.read(buf) >= 0) {
          // drain
        }
        ended = true;
      } catch (SocketTimeoutException e) {
        ended = false;
      } catch (SocketException e) {
        ended = true; // reset
      }
      assertThat(ended).as("the server closed the slow viewer's connection").isTrue();
    } finally {
      reader.interrupt();
      fast.body().close();
    }
  }
}
