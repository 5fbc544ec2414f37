package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the XMLTV parser: mangled guides (from {@link XmltvParserTest#GUIDE} and the
 * attack samples) give an {@link Epg} or an {@link XmltvException}, never another exception or a
 * hang. Bounded: a fixed seed and a few seconds; {@code -Dkanal.fuzz.seconds=N} runs longer.
 */
class XmltvParserFuzzTest {

  private static final String[] TOKENS = {"<", ">", "</", "/>", "&", "&amp;", "&lol9;", "&#0;", "&#x110000;", "\"",
      "'", "=", "<!DOCTYPE tv [<!ENTITY a \"b\">]>", "<![CDATA[", "]]>", "<!--", "-->", "<?xml version=\"1.0\"?>",
      "<programme start=\"20261121120000 +0000\" channel=\"a\">", "</programme>", "<title>", "</title>",
      "start=\"99999999999999 +9999\"", "stop=\"0\"", "\u0000", "\uFEFF", "\uD800", "é", "新闻", "\n", " "};

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
