package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzing of the XMLTV parser: any bytes (plain or gzip, which the parser sniffs) give an {@link Epg}
 * or an {@link XmltvException} naming the source (or an IOException of the input: bad UTF-8, a broken
 * gzip stream, the size cap), never another exception or a hang; what is kept holds the limits
 * (texts and ids at most {@link XmltvParser#MAX_TEXT_CHARS}, at most 5 categories and 8 names, only
 * programmes overlapping the window, stop after start), the counts add up, the 64 KiB cap holds for a
 * gzip bomb, and gzip is transparent (the gzipped input gives the same result).
 *
 * <p>{@link #parse(byte[])} is the Jazzer target: a plain run replays
 * {@code src/test/resources/dev/kanal/iptv/XmltvParserFuzzTestInputs/parse/}, {@code JAZZER_FUZZ=1}
 * fuzzes with coverage guidance. {@link #mangledGuides_giveEpgOrXmltvException()} is a mutation fuzzer
 * of text that runs in every build (3 s, fixed seed; {@code -Dkanal.fuzz.seconds=N} runs longer).
 * Long run (see PlaylistFuzzTest on the timeout):
 *
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=5m mvn test -Dkanal.buildDir=$PWD/target-fuzz -Dtest='XmltvParserFuzzTest#parse' \
 *     -Djunit.jupiter.execution.timeout.mode=disabled
 * </pre>
 */
class XmltvParserFuzzTest {

  private static final String[] TOKENS = {"<", ">", "</", "/>", "&", "&amp;", "&lol9;", "&#0;", "&#x110000;", "\"",
      "'", "=", "<!DOCTYPE tv [<!ENTITY a \"b\">]>", "<![CDATA[", "]]>", "<!--", "-->", "<?xml version=\"1.0\"?>",
      "<programme start=\"20261121120000 +0000\" channel=\"a\">", "</programme>", "<title>", "</title>",
      "start=\"99999999999999 +9999\"", "stop=\"0\"", "\u0000", "\uFEFF", "\uD800", "é", "新闻", "\n", " "};

  /** The window of {@link XmltvParser#around} at {@link XmltvParserTest#NOW}. */
  private static final Instant FROM = XmltvParserTest.NOW.minusSeconds(6 * 3600);
  private static final Instant TO = XmltvParserTest.NOW.plusSeconds(48 * 3600);
  private static final long CAP = 64 * 1024;

  /** What one parse gave: its stats, or the class of the exception. */
  private record Outcome(XmltvParser.Stats stats, String failure) {}

  /** Parses the bytes under a 64 KiB cap and checks the contract; the outcome, for comparing. */
  static Outcome parseAndCheck(byte[] bytes) throws Exception {
    Epg.Builder b = Epg.builder();
    XmltvParser.Stats stats;
    try {
      stats = XmltvParser.create(FROM, TO, CAP).parse(new ByteArrayInputStream(bytes), "fuzz.xml", b);
    } catch (XmltvException e) {
      assertThat(e.getMessage()).startsWith("fuzz.xml: ");
      assertThat(e.source()).isEqualTo("fuzz.xml");
      return new Outcome(null, "XmltvException");
    } catch (IOException e) {
      // Decoding errors (bad UTF-8, a truncated gzip) and the size cap are I/O errors of the input.
      assertThat(e.getMessage()).isNotBlank();
      return new Outcome(null, "IOException");
    }
    assertThat(stats.kept() + stats.skipped()).isLessThanOrEqualTo(stats.programmes());
    Epg epg = b.build();
    assertThat(epg.channels()).hasSizeLessThanOrEqualTo(stats.channels());
    assertThat(epg.programmeCount()).isLessThanOrEqualTo(stats.kept());
    for (XmltvChannel c : epg.channels()) {
      assertThat(c.id()).isNotBlank().hasSizeLessThanOrEqualTo(XmltvParser.MAX_TEXT_CHARS);
      assertThat(c.displayNames()).hasSizeLessThanOrEqualTo(8)
          .allSatisfy(n -> assertThat(n).isNotBlank().hasSizeLessThanOrEqualTo(XmltvParser.MAX_TEXT_CHARS));
      c.icon().ifPresent(i -> assertThat(i).hasSizeLessThanOrEqualTo(XmltvParser.MAX_TEXT_CHARS));
    }
    long listed = 0;
    for (String channel : ids(epg)) {
      for (EpgProgramme p : epg.programmes(channel)) {
        listed++;
        assertThat(p.start()).isBefore(TO);
        p.stop().ifPresent(stop -> assertThat(stop).isAfter(p.start()).isAfter(FROM));
        for (String text : texts(p)) {
          assertThat(text).hasSizeLessThanOrEqualTo(XmltvParser.MAX_TEXT_CHARS);
        }
        assertThat(p.categories()).hasSizeLessThanOrEqualTo(5);
      }
    }
    assertThat(listed).isEqualTo(epg.programmeCount());
    return new Outcome(stats, null);
  }

  /** Every channel id of the guide, including those with programmes but no {@code <channel>}. */
  @SuppressWarnings("unchecked")
  private static java.util.Set<String> ids(Epg epg) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    epg.channels().forEach(c -> ids.add(c.id()));
    try {
      java.lang.reflect.Field f = Epg.class.getDeclaredField("programmes");
      f.setAccessible(true);
      ids.addAll(((java.util.Map<String, ?>) f.get(epg)).keySet());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    return ids;
  }

  private static List<String> texts(EpgProgramme p) {
    List<String> t = new ArrayList<>(List.of(p.title()));
    p.subTitle().ifPresent(t::add);
    p.description().ifPresent(t::add);
    t.addAll(p.categories());
    return t;
  }

  /** The whole check: the bytes as they are, and gzipped (unless they already look like gzip). */
  static void check(byte[] bytes) throws Exception {
    Outcome plain = parseAndCheck(bytes);
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
      return;
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(bytes);
    }
    assertThat(parseAndCheck(gz.toByteArray())).as("the same guide gzipped").isEqualTo(plain);
  }

  @FuzzTest(maxDuration = "5m")
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void parse(byte[] data) throws Exception {
    check(data);
  }

  /** Fuzz finding (Jazzer, 2026-11-21): a gzip header cut short failed with an EOFException without a message. */
  @Test
  void finding_gzipHeaderCut_isXmltvExceptionNamingTheSource() throws Exception {
    byte[] cut = {0x1f, (byte) 0x8b, 0x08, (byte) 0xbb, 0x03, 0x00};
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> XmltvParser.around(XmltvParserTest.NOW)
            .parse(new ByteArrayInputStream(cut), "guide.xml.gz", Epg.builder()))
        .isInstanceOf(XmltvException.class)
        .hasMessage("guide.xml.gz: not a valid gzip file: its header is truncated or corrupt");
    try (var in = XmltvParserFuzzTest.class.getResourceAsStream(
        "XmltvParserFuzzTestInputs/parse/finding-gzip-header-cut-eof-without-message.gz")) {
      check(in.readAllBytes());
    }
  }

  @Test
  void gzipBomb_stopsAtTheCap() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write("<tv><programme channel=\"a\" start=\"20261121120000\"><title>".getBytes(StandardCharsets.UTF_8));
      byte[] block = new byte[64 * 1024];
      java.util.Arrays.fill(block, (byte) 'x');
      for (int i = 0; i < 256; i++) { // 16 MiB of text, 256 times the cap, about 16 KB compressed
        out.write(block);
      }
    }
    assertThat(gz.size()).isLessThan(64 * 1024);
    assertThat(parseAndCheck(gz.toByteArray()).failure()).isEqualTo("IOException");
  }

  @Test
  void mangledGuides_giveEpgOrXmltvException() throws Exception {
    long seconds = Long.getLong("kanal.fuzz.seconds", 3);
    long seed = Long.getLong("kanal.fuzz.seed", 20261121L);
    Random random = new Random(seed);
    String[] seeds = {XmltvParserTest.GUIDE, XmltvParserTest.BILLION_LAUGHS};
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    int runs = 0;
    int parsed = 0;
    while (System.nanoTime() < deadline) {
      String text = mutate(seeds[random.nextInt(seeds.length)], random);
      byte[] bytes = random.nextInt(10) == 0 ? garble(text.getBytes(StandardCharsets.UTF_8), random)
          : text.getBytes(StandardCharsets.UTF_8);
      try {
        Epg.Builder b = Epg.builder();
        XmltvParser.around(XmltvParserTest.NOW).parse(new ByteArrayInputStream(bytes), "fuzz.xml", b);
        b.build();
        parsed++;
      } catch (XmltvException expected) {
        assertThat(expected.getMessage()).startsWith("fuzz.xml: ");
      } catch (IOException e) {
        // Decoding errors (bad UTF-8, a truncated gzip) are I/O errors of the input: acceptable.
        assertThat(e.getMessage()).isNotBlank();
      } catch (Throwable t) {
        throw new AssertionError("seed " + seed + " run " + runs + ": " + t + " for input:\n" + text, t);
      }
      try {
        check(bytes);
      } catch (Throwable t) {
        throw new AssertionError("seed " + seed + " run " + runs + ": " + t + " for input:\n" + text, t);
      }
      runs++;
    }
    assertThat(runs).isGreaterThan(100);
    System.out.printf("XmltvParserFuzzTest: %d inputs (%d parsed) in %d s, seed %d%n", runs, parsed, seconds, seed);
  }

  private static byte[] garble(byte[] bytes, Random random) {
    for (int i = 0; i < 1 + random.nextInt(5) && bytes.length > 0; i++) {
      bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
    }
    return bytes;
  }

  private static String mutate(String text, Random random) {
    StringBuilder s = new StringBuilder(text);
    int edits = 1 + random.nextInt(8);
    for (int i = 0; i < edits && !s.isEmpty(); i++) {
      int at = random.nextInt(s.length());
      switch (random.nextInt(4)) {
        case 0 -> s.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(20)));
        case 2 -> s.setCharAt(at, (char) random.nextInt(128));
        default -> {
          int from = random.nextInt(s.length());
          int to = Math.min(s.length(), from + random.nextInt(40));
          s.insert(at, s.substring(from, to));
        }
      }
    }
    return s.toString();
  }
}
