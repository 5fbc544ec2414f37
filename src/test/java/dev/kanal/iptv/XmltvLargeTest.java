package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.KanalProcess;
import java.io.BufferedWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 150 MB XMLTV guide parses in a JVM with a 256 MB heap, keeping only the window. */
class XmltvLargeTest {

  @TempDir
  Path dir;

  @Test
  void parse_150MbGuide_inA256MbHeap_keepsTheWindow() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    // 600 channels x 640 half-hour programmes (13 days, from 7 days back): ~375k programmes.
    XmltvSamples.Shape shape = new XmltvSamples.Shape(600, 640, Duration.ofMinutes(30),
        now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(7)), 170);
    Path file = dir.resolve("guide.xml");
    try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
      shape.write(out);
    }
    long size = Files.size(file);
    assertThat(size).isGreaterThan(150L * 1000 * 1000);

    long start = System.nanoTime();
    try (KanalProcess p = KanalProcess.startJava(dir, List.of("-Xmx256m", "-XX:+UseSerialGC"),
        XmltvParseMain.class.getName(), file.toString(), Long.toString(now.getEpochSecond()))) {
      String line = p.awaitLine("^(?:ok|error) .*", Duration.ofSeconds(120));
      long ms = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("XmltvLargeTest: %d bytes parsed at -Xmx256m in %d ms: %s%n", size, ms, line);
      assertThat(line).startsWith("ok ");
      Matcher m = Pattern.compile("channels=(\\d+) programmes=(\\d+) kept=(\\d+)").matcher(line);
      assertThat(m.find()).isTrue();
      assertThat(Integer.parseInt(m.group(1))).isEqualTo(600);
      assertThat(Long.parseLong(m.group(2))).isEqualTo(600L * 640);
      long expected = shape.overlapping(now.minus(Duration.ofHours(6)), now.plus(Duration.ofHours(48)));
      assertThat(Long.parseLong(m.group(3))).isEqualTo(expected);
    }
  }
}
