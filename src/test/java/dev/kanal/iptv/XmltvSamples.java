package dev.kanal.iptv;

import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Generated XMLTV guides for tests, written as a stream (never held in memory). */
final class XmltvSamples {

  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss Z").withZone(ZoneOffset.UTC);

  private XmltvSamples() {}

  /**
   * A guide shape: {@code channels} channels {@code ch<i>.example} named "Channel i", each with
   * {@code perChannel} back-to-back programmes of {@code length} starting at {@code first}.
   */
  record Shape(int channels, int perChannel, Duration length, Instant first, int descChars) {

    /** How many programmes overlap {@code [from, to)}. */
    long overlapping(Instant from, Instant to) {
      long count = 0;
      for (int p = 0; p < perChannel; p++) {
        Instant start = first.plus(length.multipliedBy(p));
        Instant stop = start.plus(length);
        if (start.isBefore(to) && stop.isAfter(from)) {
          count++;
        }
      }
      return count * channels;
    }

    void write(Writer out) throws IOException {
      out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tv SYSTEM \"xmltv.dtd\">\n");
      out.write("<tv generator-info-name=\"kanal-test\">\n");
      for (int c = 0; c < channels; c++) {
        out.write("  <channel id=\"ch" + c + ".example\"><display-name lang=\"en\">Channel " + c
            + "</display-name><icon src=\"https://logo.example/" + c + ".png\"/></channel>\n");
      }
      String desc = "A programme about things & stuff, with <escaped> text. ".repeat(Math.max(1, descChars / 56))
          .replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
      for (int c = 0; c < channels; c++) {
        for (int p = 0; p < perChannel; p++) {
          Instant start = first.plus(length.multipliedBy(p));
          out.write("  <programme start=\"" + TIME.format(start) + "\" stop=\"" + TIME.format(start.plus(length))
              + "\" channel=\"ch" + c + ".example\">\n    <title lang=\"en\">Show " + p + " on " + c
              + "</title>\n    <desc lang=\"en\">" + desc + "</desc>\n    <category lang=\"en\">News</category>\n  </programme>\n");
        }
      }
      out.write("</tv>\n");
    }
  }
}
