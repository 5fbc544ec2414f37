package dev.kanal.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** TLS failures: one readable line; certificate refusals are final, cut-short handshakes are retried. */
class HlsHttpTlsTest {

  @Test
  void readable_dropsTheAlertNameAndInnerClassNames() {
    assertThat(HlsHttp.TlsException.readable("(certificate_unknown) PKIX path building failed: "
        + "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to "
        + "requested target"))
        .isEqualTo("PKIX path building failed: unable to find valid certification path to requested target");
    assertThat(HlsHttp.TlsException.readable(null)).isEqualTo("no detail");
  }

  @Test
  void onlyCertificateProblemsAreFinal() {
    SSLHandshakeException certificate = new SSLHandshakeException("refused");
    certificate.initCause(new CertificateException("No subject alternative names matching IP address 127.0.0.1 found"));
    SSLHandshakeException cutShort = new SSLHandshakeException("Remote host terminated the handshake");
    cutShort.initCause(new EOFException("SSL peer shut down incorrectly"));

    assertThat(HlsHttp.TlsException.isCertificate(certificate)).isTrue();
    assertThat(HlsHttp.TlsException.isCertificate(cutShort)).isFalse();
    assertThat(HlsHttp.isRetryable(new HlsHttp.TlsException(URI.create("https://a/"), certificate))).isFalse();
  }

  @Test
  void handshakeCutShort_isRetried() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            connections.incrementAndGet(); // closes before answering the ClientHello
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
      RecordOptions options = RecordOptions.builder().attempts(3).backoff(Duration.ofMillis(10))
          .requestTimeout(Duration.ofSeconds(10)).build();
      URI uri = URI.create("https://127.0.0.1:" + server.getLocalPort() + "/index.m3u8");
      try (HlsHttp http = new HlsHttp(options, DownloadMetrics.NONE, new Random(1))) {
        assertThatThrownBy(() -> http.fetch(uri, Optional.empty(), HlsHttp.Purpose.PLAYLIST))
            .hasMessageStartingWith(uri + ": TLS handshake failed: ");
      }
      // Three attempts (the JDK client may add one connection of its own per attempt).
      assertThat(connections.get()).isGreaterThanOrEqualTo(3);
    }
  }
}
