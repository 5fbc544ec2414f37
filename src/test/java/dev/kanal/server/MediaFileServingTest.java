package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.RawHttp;
import dev.kanal.testing.RawHttp.Response;
import dev.kanal.testing.TestMediaFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving very large files: a 20 GB sparse file read at offsets beyond 4 GiB (where 32-bit
 * arithmetic would wrap), and clients that hang up in the middle of a body, which must release the
 * open file and the request at once.
 */
class MediaFileServingTest {

  static final long SIZE = 20_000_000_000L;
  static final long FOUR_GIB = 1L << 32;
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final byte[] MARK_4G = "<<across-4GiB>>!".getBytes(StandardCharsets.US_ASCII);
  static final byte[] MARK_5G = "<<at-5GiB>>".getBytes(StandardCharsets.US_ASCII);
  static final byte[] MARK_END = "<<the-last-16b>>".getBytes(StandardCharsets.US_ASCII);

  @TempDir static Path dir;
  static Path big;
  static Metrics metrics;
  static KanalServer server;

  @BeforeAll
  static void start() throws Exception {
    big = dir.resolve("big.mkv");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(SIZE);
      f.seek(FOUR_GIB - 8);
      f.write(MARK_4G);
      f.seek(5 * (1L << 30));
      f.write(MARK_5G);
      f.seek(SIZE - 16);
      f.write(MARK_END);
    }
    metrics = Metrics.create("test");
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
        Optional.of(TestMediaFiles.of(Map.of("big", big)))), metrics);
  }

  @AfterAll
  static void stop() {
    server.close();
    metrics.close();
  }

  @Test
  void sparse20GbFile_head_hasFullLength() throws Exception {
    Response r = get("HEAD", "/media/big/file");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Length")).contains("20000000000");
    assertThat(r.header("ETag").orElseThrow()).endsWith("-" + Long.toHexString(SIZE) + "\"");
  }

  @Test
  void sparse20GbFile_rangeAcross4GiB_isExact() throws Exception {
    long first = FOUR_GIB - 8;
    Response r = get("GET", "/media/big/file", "Range: bytes=" + first + "-" + (first + 15));
    assertThat(r.status()).isEqualTo(206);
    assertThat(r.header("Content-Range")).contains("bytes 4294967288-4294967303/20000000000");
    assertThat(r.body()).isEqualTo(MARK_4G);
  }

  @Test
  void sparse20GbFile_oneMebibyteAt5GiB_isExact() throws Exception {
    long first = 5 * (1L << 30);
    Response r = get("GET", "/media/big/file", "Range: bytes=" + first + "-" + (first + (1 << 20) - 1));
    assertThat(r.status()).isEqualTo(206);
    assertThat(r.header("Content-Length")).contains(Integer.toString(1 << 20));
    assertThat(r.body()).hasSize(1 << 20);
    assertThat(java.util.Arrays.copyOf(r.body(), MARK_5G.length)).isEqualTo(MARK_5G);
    for (int i = MARK_5G.length; i < r.body().length; i++) {
      assertThat(r.body()[i]).isZero();
    }
  }

  @Test
  void sparse20GbFile_suffixRange_isTheLastBytes() throws Exception {
    Response r = get("GET", "/media/big/file", "Range: bytes=-16");
    assertThat(r.status()).isEqualTo(206);
    assertThat(r.header("Content-Range")).contains("bytes 19999999984-19999999999/20000000000");
    assertThat(r.body()).isEqualTo(MARK_END);
  }

  @Test
  void sparse20GbFile_multipartBeyond4GiB_isExact() throws Exception {
    Response r = get("GET", "/media/big/file", "Range: bytes=4294967288-4294967295,4294967296-4294967303,-16");
    assertThat(r.status()).isEqualTo(206);
    assertThat(r.parts()).extracting(p -> p.headers().get("content-range")).containsExactly(
        "bytes 4294967288-4294967295/20000000000", "bytes 4294967296-4294967303/20000000000",
        "bytes 19999999984-19999999999/20000000000");
    assertThat(r.parts()).extracting(RawHttp.Part::text).containsExactly("<<across", "-4GiB>>!", "<<the-last-16b>>");
  }

  @Test
  void clientHangsUpMidBody_wholeFile_releasesFileAndRequestAtOnce() throws Exception {
    hangUpAfter(8 << 20, "GET /media/big/file HTTP/1.1\r\nHost: x\r\n\r\n");
  }

  @Test
  void clientHangsUpMidBody_multipart_releasesFileAndRequestAtOnce() throws Exception {
    hangUpAfter(8 << 20, "GET /media/big/file HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1073741823,4294967296-5368709119\r\n\r\n");
  }

  @Test
  void clientHangsUpBeforeReading_releasesFileAndRequestAtOnce() throws Exception {
    hangUpAfter(0, "GET /media/big/file HTTP/1.1\r\nHost: x\r\nRange: bytes=1000-\r\n\r\n");
  }

  /** Reads {@code bytes} of the body, resets the connection, and checks the server lets go within a second or two. */
  private static void hangUpAfter(int bytes, String request) throws Exception {
    assertThat(openDescriptorsOf(big)).isZero();
    try (Socket socket = RawHttp.connect(server.port(), TIMEOUT)) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      long read = 0;
      while (read < bytes) {
        int n = in.read(buffer);
        assertThat(n).isPositive();
        read += n;
      }
      awaitTrue(() -> openDescriptorsOf(big) == 1, Duration.ofSeconds(5), "the file is open while the body is sent");
      socket.setSoLinger(true, 0); // close with RST, as a player seeking away does
    }
    awaitTrue(() -> openDescriptorsOf(big) == 0, Duration.ofSeconds(3), "the file is closed after the client left");
    awaitTrue(() -> activeRequests() == 0, Duration.ofSeconds(3), "no request is in flight after the client left");
    Response after = get("GET", "/media/big/file", "Range: bytes=-16");
    assertThat(after.body()).isEqualTo(MARK_END);
  }

  private static double activeRequests() {
    return metrics.registry().get("http.server.active.requests").gauge().value();
  }

  /** How many of this JVM's descriptors point at {@code file} (Linux {@code /proc/self/fd}). */
  static long openDescriptorsOf(Path file) {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      Path real = file.toRealPath();
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(real);
        } catch (IOException gone) {
          return false;
        }
      }).count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  interface Check {
    boolean holds() throws Exception;
  }

  static void awaitTrue(Check check, Duration timeout, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(10);
    }
  }

  private static Response get(String method, String path, String... headers) throws IOException {
    return RawHttp.request(server.port(), method, path, List.of(headers), TIMEOUT);
  }
}
