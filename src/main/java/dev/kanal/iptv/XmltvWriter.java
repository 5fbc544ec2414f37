package dev.kanal.iptv;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes an XMLTV guide as it goes, for {@code /iptv/epg.xml}, in xmltv.dtd's order (no DOCTYPE, which
 * hardened readers refuse): {@code <tv>}, then one {@code <channel>} per playlist channel (under the
 * playlist's id, so that it matches the playlist's {@code tvg-id}), then the programmes of each
 * channel's guide channel. Text is escaped, characters XML 1.0 forbids are dropped, times are
 * XMLTV's {@code 20261121120000 +0000}.
 */
public final class XmltvWriter {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss '+0000'")
      .withZone(ZoneOffset.UTC);

  /**
   * One {@code <channel>} of the output.
   *
   * @param id the {@code id} attribute: the playlist channel's id
   * @param displayNames the {@code <display-name>} elements, first the preferred one
   * @param icon the {@code <icon src>}, if any
   * @param guideId the channel of the {@link Epg} whose programmes it gets, if any
   */
  public record Channel(String id, List<String> displayNames, Optional<String> icon, Optional<String> guideId) {
    /** Checks for nulls and copies the names. */
    public Channel {
      Objects.requireNonNull(id, "id");
      displayNames = List.copyOf(displayNames);
      Objects.requireNonNull(icon, "icon");
      Objects.requireNonNull(guideId, "guideId");
    }
  }

  private XmltvWriter() {}

  /** Writes the whole document to {@code out} (not closed, not flushed). */
  public static void write(Writer out, List<Channel> channels, Epg epg, String generator) throws IOException {
    out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.write("<tv generator-info-name=\"");
    attribute(generator, out);
    out.write("\">\n");
    for (Channel c : channels) {
      out.write("  <channel id=\"");
      attribute(c.id(), out);
      out.write("\">\n");
      for (String name : c.displayNames()) {
        out.write("    <display-name>");
        text(name, out);
        out.write("</display-name>\n");
      }
      if (c.icon().isPresent() && !c.icon().get().isBlank()) {
        out.write("    <icon src=\"");
        attribute(c.icon().get(), out);
        out.write("\"/>\n");
      }
      out.write("  </channel>\n");
    }
    for (Channel c : channels) {
      if (c.guideId().isEmpty()) {
        continue;
      }
      for (EpgProgramme p : epg.programmes(c.guideId().get())) {
        programme(c.id(), p, out);
      }
    }
    out.write("</tv>\n");
  }

  private static void programme(String channel, EpgProgramme p, Writer out) throws IOException {
    out.write("  <programme start=\"");
    out.write(time(p.start()));
    out.write('"');
    if (p.stop().isPresent()) {
      out.write(" stop=\"");
      out.write(time(p.stop().get()));
      out.write('"');
    }
    out.write(" channel=\"");
    attribute(channel, out);
    out.write("\">\n");
    element("title", p.title(), out);
    if (p.subTitle().isPresent()) {
      element("sub-title", p.subTitle().get(), out);
    }
    if (p.description().isPresent()) {
      element("desc", p.description().get(), out);
    }
    for (String category : p.categories()) {
      element("category", category, out);
    }
    out.write("  </programme>\n");
  }

  private static void element(String name, String value, Writer out) throws IOException {
    out.write("    <");
    out.write(name);
    out.write('>');
    text(value, out);
    out.write("</");
    out.write(name);
    out.write(">\n");
  }

  /** An instant as XMLTV writes it: {@code 20261121120000 +0000}. */
  public static String time(Instant instant) {
    return TIME.format(instant);
  }

  private static void text(String s, Writer out) throws IOException {
    escape(s, false, out);
  }

  private static void attribute(String s, Writer out) throws IOException {
    escape(s, true, out);
  }

  /** Escapes markup; drops what XML 1.0 forbids; in attributes, also quotes and line breaks (kept as references). */
  private static void escape(String s, boolean attribute, Writer out) throws IOException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.write("&amp;");
        case '<' -> out.write("&lt;");
        case '>' -> out.write("&gt;");
        case '"' -> out.write(attribute ? "&quot;" : "\"");
        case '\t', '\n', '\r' -> {
          if (attribute) {
            out.write("&#" + (int) c + ";");
          } else {
            out.write(c);
          }
        }
        default -> {
          if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.write(c);
            out.write(s.charAt(++i));
          } else if (c >= 0x20 && !Character.isSurrogate(c) && c != 0xFFFE && c != 0xFFFF) {
            out.write(c);
          }
        }
      }
    }
  }
}
