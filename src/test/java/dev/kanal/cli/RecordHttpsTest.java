package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.HlsMedia;
import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.KanalProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kanal record} from an https upstream, run as its own JVM so that the JDK's default TLS
 * context (set up on the first https connection, {@code net.DeferredTls}) reads a test trust store.
 * Certificates are still verified: an untrusted certificate and one for another host both fail.
 */
class RecordHttpsTest {

  private static final String PASSWORD = "kanal-test";

  @TempDir
  static Path dir;

  static HlsTestServer trusted;
  static HlsTestServer otherHost;
  static Path trustStore;

  @BeforeAll
  static void start() throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    Path src = HlsMedia.source(media.resolve("src.mp4"), 6, "testsrc2", 10, 1, 440);
    HlsMedia.hls(src, media.resolve("clear"), 1, List.of());
    Path forLoopback = keyPair("loopback", "CN=127.0.0.1", "SAN=ip:127.0.0.1");
    Path forOtherHost = keyPair("other", "CN=other.example", "SAN=dns:other.example");
    trustStore = dir.resolve("trust.p12");
    trust(forLoopback, "loopback");
    trust(forOtherHost, "other");
    trusted = HlsTestServer.startTls(media, serverContext(forLoopback));
    otherHost = HlsTestServer.startTls(media, serverContext(forOtherHost));
  }

  @AfterAll
  static void stop() {
    trusted.close();
    otherHost.close();
  }

  @Test
  void recordsFromHttps_byteForByte() throws Exception {
    Path out = dir.resolve("https.ts");
    try (KanalProcess kanal = record(true, trusted, out)) {
      assertThat(kanal.awaitExit(Duration.ofSeconds(60))).as(kanal.stderr()).isZero();
    }
    Path clear = dir.resolve("media/clear");
    byte[] expected = HlsMedia.concat(HlsMedia.segmentUris(clear.resolve("index.m3u8")).stream()
        .map(clear::resolve).toList());
    assertThat(Files.readAllBytes(out)).isEqualTo(expected);
  }

  @Test
  void untrustedCertificate_failsWithOneLine() throws Exception {
    try (KanalProcess kanal = record(false, trusted, dir.resolve("untrusted.ts"))) {
      assertThat(kanal.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(kanal.stderr()).isEqualTo("kanal: cannot load the playlist " + trusted.uri("/clear/index.m3u8")
          + ": TLS handshake failed: PKIX path building failed: unable to find valid certification path to"
          + " requested target\n");
    }
    assertThat(dir.resolve("untrusted.ts")).doesNotExist();
  }

  @Test
  void certificateForAnotherHost_fails() throws Exception {
    try (KanalProcess kanal = record(true, otherHost, dir.resolve("other.ts"))) {
      assertThat(kanal.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(kanal.stderr()).isEqualTo("kanal: cannot load the playlist " + otherHost.uri("/clear/index.m3u8")
          + ": TLS handshake failed: No subject alternative names matching IP address 127.0.0.1 found\n");
    }
    assertThat(otherHost.requests()).as("no request got past the handshake").isEmpty();
  }

  @Test
  void httpRecording_neverLoadsTheTrustStore() throws Exception {
    // TLS set-up costs a short recording 0.2-0.3 s of CPU: an http-only run must not pay it.
    Path classes = dir.resolve("classes.log");
    try (HlsTestServer plain = HlsTestServer.start(dir.resolve("media"));
        KanalProcess kanal = KanalProcess.startJava(dir, List.of("-Xlog:class+load=info:file=" + classes),
            "dev.kanal.Main", "record", plain.uri("/clear/index.m3u8").toString(), "-o", dir.resolve("plain.ts").toString())) {
      assertThat(kanal.awaitExit(Duration.ofSeconds(60))).as(kanal.stderr()).isZero();
    }
    String loaded = Files.readString(classes);
    assertThat(loaded).contains("dev.kanal.hls.HlsHttp ").contains("dev.kanal.net.DeferredTls ")
        .doesNotContain("sun.security.ssl.TrustStoreManager ").doesNotContain("sun.security.ssl.SSLContextImpl ");
  }

  private static KanalProcess record(boolean trust, HlsTestServer server, Path out) throws Exception {
    List<String> jvm = new ArrayList<>();
    if (Runtime.version().feature() >= 22) {
      jvm.add("--enable-native-access=ALL-UNNAMED");
    }
    if (trust) {
      jvm.add("-Djavax.net.ssl.trustStore=" + trustStore);
      jvm.add("-Djavax.net.ssl.trustStorePassword=" + PASSWORD);
    }
    return KanalProcess.startJava(dir, jvm, "dev.kanal.Main", "record", server.uri("/clear/index.m3u8").toString(),
        "-o", out.toString());
  }

  private static Path keyPair(String name, String dname, String san) throws Exception {
    Path store = dir.resolve(name + ".p12");
    HlsMedia.run(List.of(keytool(), "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", dname, "-ext", san, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", PASSWORD, "-keypass", PASSWORD));
    return store;
  }

  private static void trust(Path keyStore, String alias) throws Exception {
    Path cert = dir.resolve(alias + ".crt");
    HlsMedia.run(List.of(keytool(), "-exportcert", "-alias", alias, "-keystore", keyStore.toString(),
        "-storepass", PASSWORD, "-file", cert.toString()));
    HlsMedia.run(List.of(keytool(), "-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(),
        "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
  }

  private static SSLContext serverContext(Path keyStore) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  private static String keytool() {
    return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
  }
}
