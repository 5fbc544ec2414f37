package dev.kanal.iptv;

import dev.kanal.net.CappedInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A streaming (StAX) reader of XMLTV guides, plain or gzipped (detected by the magic bytes), in
 * bounded memory: only programmes inside the window are kept, texts are cut, and the input size is
 * capped. Hardened: a DOCTYPE with an internal subset (entity declarations: billion laughs, XXE) is
 * refused, external DTDs and entities are never fetched, and undeclared entities are errors.
 */
public final class XmltvParser {

  /** Longest title, sub-title, description or category kept, in characters. */
  public static final int MAX_TEXT_CHARS = 2000;
  /** Default cap on the (decompressed) guide size: 4 GiB. */
  public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024 * 1024;
  private static final int MAX_NAMES = 8;
  private static final int MAX_CATEGORIES = 5;

  private final Instant from;
  private final Instant to;
  private final long maxBytes;

  private XmltvParser(Instant from, Instant to, long maxBytes) {
    this.from = from;
    this.to = to;
    this.maxBytes = maxBytes;
  }

  /** A parser keeping programmes that overlap {@code [from, to)}, reading at most {@code maxBytes} of XML. */
  public static XmltvParser create(Instant from, Instant to, long maxBytes) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("the window must end after it starts: " + from + " .. " + to);
    }
    return new XmltvParser(from, to, maxBytes);
  }

  /** A parser for the default window around {@code now}: 6 hours back, 48 hours ahead. */
  public static XmltvParser around(Instant now) {
    return create(now.minusSeconds(6 * 3600), now.plusSeconds(48 * 3600), DEFAULT_MAX_BYTES);
  }

  /** What one parse read. */
  public record Stats(int channels, long programmes, long kept, long skipped) {}

  /**
   * Reads a guide from {@code in} (not closed) into {@code into}.
   *
   * @param source the URL or file, named in errors
   * @throws XmltvException when the guide is malformed, too large, or declares entities
   */
  public Stats parse(InputStream in, String source, Epg.Builder into) throws IOException, XmltvException {
    InputStream xml = new CappedInputStream(decompress(in, source), maxBytes, source + ": the guide");
    XMLStreamReader r;
    try {
      r = factory().createXMLStreamReader(xml);
    } catch (XMLStreamException e) {
      throw XmltvException.of(source, "not an XML document: " + message(e), e);
    }
    int channels = 0;
    long programmes = 0;
    long kept = 0;
    long skipped = 0;
    try {
      boolean root = false;
      while (r.hasNext()) {
        int event = r.next();
        switch (event) {
          case XMLStreamConstants.DTD -> refuseDtd(r, source);
          case XMLStreamConstants.ENTITY_REFERENCE -> throw XmltvException.of(source,
              "line " + r.getLocation().getLineNumber() + ": the entity '&" + r.getLocalName()
                  + ";' is not allowed (entities are refused: they are used for billion-laughs and XXE attacks)", null);
          case XMLStreamConstants.START_ELEMENT -> {
            String name = r.getLocalName();
            if (!root) {
              root = true;
              if (!name.equals("tv")) {
                throw XmltvException.of(source, "not an XMLTV guide: the root element is <" + name + ">, not <tv>", null);
              }
            } else if (name.equals("channel")) {
              XmltvChannel channel = channel(r);
              if (channel != null) {
                into.channel(channel);
                channels++;
              }
            } else if (name.equals("programme")) {
              programmes++;
              EpgProgramme p = programme(r, into);
              if (p == null) {
                skipped++;
              } else if (inWindow(p)) {
                into.programme(p);
                kept++;
              }
            }
          }
          default -> {
            // Text between elements, comments, processing instructions: nothing to keep.
          }
        }
      }
      if (!root) {
        throw XmltvException.of(source, "not an XMLTV guide: no <tv> element", null);
      }
    } catch (XMLStreamException e) {
      if (e.getNestedException() instanceof IOException io) {
        throw io;
      }
      throw XmltvException.of(source, "not well-formed XML: " + message(e), e);
    } catch (RuntimeException e) {
      // The JDK's parser sometimes fails on broken input with an unchecked exception (for example a
      // MissingResourceException while formatting its own error message); the input is still at fault.
      throw XmltvException.of(source, "not well-formed XML (" + e.getClass().getSimpleName() + ")", e);
    } finally {
      try {
        r.close();
      } catch (XMLStreamException ignored) {
        // Nothing held beyond the stream, which the caller closes.
      }
    }
    return new Stats(channels, programmes, kept, skipped);
  }

  private boolean inWindow(EpgProgramme p) {
    if (!p.start().isBefore(to)) {
      return false;
    }
    return p.stop().map(stop -> stop.isAfter(from)).orElse(!p.start().isBefore(from));
  }

  private static void refuseDtd(XMLStreamReader r, String source) throws XmltvException {
    String text = r.getText() == null ? "" : r.getText();
    // <!DOCTYPE tv SYSTEM "xmltv.dtd"> is common and harmless (never fetched); an internal subset is not.
    if (text.contains("[") || text.contains("<!ENTITY")) {
      throw XmltvException.of(source, "the guide declares a DTD with an internal subset (<!DOCTYPE ... [ ... ]>); "
          + "Kanal refuses DTD entity declarations, which are used for billion-laughs and XXE attacks", null);
    }
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, false);
    f.setXMLResolver((publicId, systemId, baseUri, namespace) -> {
      throw new XMLStreamException("external resources are not fetched: " + systemId);
    });
    trySet(f, XMLConstants.ACCESS_EXTERNAL_DTD, "");
    trySet(f, "jdk.xml.entityExpansionLimit", "1000");
    // The JDK (24+) counts the text of the document entity "[xml]", &amp; and the like included,
    // against these two limits (default 100,000): that would cap real guides. With entity
    // declarations refused above, only the predefined one-character entities remain.
    trySet(f, "jdk.xml.maxGeneralEntitySizeLimit", "0");
    trySet(f, "jdk.xml.totalEntitySizeLimit", "0");
    trySet(f, "jdk.xml.maxElementDepth", "64");
    trySet(f, "jdk.xml.elementAttributeLimit", "100");
    return f;
  }

  private static void trySet(XMLInputFactory f, String property, String value) {
    try {
      f.setProperty(property, value);
    } catch (IllegalArgumentException unsupported) {
      // Another StAX implementation: the checks above still refuse DTDs and entities.
    }
  }

  private static XmltvChannel channel(XMLStreamReader r) throws XMLStreamException {
    String id = r.getAttributeValue(null, "id");
    List<String> names = new ArrayList<>();
    Optional<String> icon = Optional.empty();
    int depth = 1;
    while (depth > 0) {
      int event = r.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        String name = r.getLocalName();
        if (name.equals("display-name")) {
          String text = text(r).strip();
          if (!text.isEmpty() && names.size() < MAX_NAMES) {
            names.add(text);
          }
        } else {
          if (name.equals("icon") && icon.isEmpty()) {
            icon = Optional.ofNullable(r.getAttributeValue(null, "src")).map(s -> cut(s.strip()));
          }
          depth++;
        }
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        depth--;
      } else if (event == XMLStreamConstants.ENTITY_REFERENCE) {
        throw new XMLStreamException("entity references are refused: &" + r.getLocalName() + ";", r.getLocation());
      }
    }
    if (id == null || id.isBlank()) {
      return null;
    }
    return new XmltvChannel(cut(id.strip()), names, icon);
  }

  private static EpgProgramme programme(XMLStreamReader r, Epg.Builder into) throws XMLStreamException {
    String channel = r.getAttributeValue(null, "channel");
    Instant start = time(r.getAttributeValue(null, "start"));
    String stopText = r.getAttributeValue(null, "stop");
    Instant stop = stopText == null ? null : time(stopText);
    String title = null;
    String subTitle = null;
    String desc = null;
    List<String> categories = new ArrayList<>(2);
    int depth = 1;
    while (depth > 0) {
      int event = r.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        switch (r.getLocalName()) {
          case "title" -> {
            String t = text(r).strip();
            if (title == null && !t.isEmpty()) {
              title = t;
            }
          }
          case "sub-title" -> {
            String t = text(r).strip();
            if (subTitle == null && !t.isEmpty()) {
              subTitle = t;
            }
          }
          case "desc" -> {
            String t = text(r).strip();
            if (desc == null && !t.isEmpty()) {
              desc = t;
            }
          }
          case "category" -> {
            String t = text(r).strip();
            if (categories.size() < MAX_CATEGORIES && !t.isEmpty()) {
              categories.add(t);
            }
          }
          default -> depth++;
        }
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        depth--;
      } else if (event == XMLStreamConstants.ENTITY_REFERENCE) {
        throw new XMLStreamException("entity references are refused: &" + r.getLocalName() + ";", r.getLocation());
      }
    }
    if (channel == null || channel.isBlank() || start == null || (stopText != null && stop == null)) {
      return null;
    }
    if (stop != null && !stop.isAfter(start)) {
      return null;
    }
    return new EpgProgramme(into.canonicalId(channel.strip()), start, Optional.ofNullable(stop),
        title == null ? "" : title, Optional.ofNullable(subTitle), Optional.ofNullable(desc), categories);
  }

  /** The text of the current element (which must hold only text), cut at {@link #MAX_TEXT_CHARS}. */
  private static String text(XMLStreamReader r) throws XMLStreamException {
    StringBuilder s = new StringBuilder();
    int depth = 1;
    while (depth > 0) {
      int event = r.next();
      switch (event) {
        case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
          if (s.length() < MAX_TEXT_CHARS) {
            int room = MAX_TEXT_CHARS - s.length();
            s.append(r.getTextCharacters(), r.getTextStart(), Math.min(room, r.getTextLength()));
          }
        }
        case XMLStreamConstants.START_ELEMENT -> depth++;
        case XMLStreamConstants.END_ELEMENT -> depth--;
        case XMLStreamConstants.ENTITY_REFERENCE ->
            throw new XMLStreamException("entity references are refused: &" + r.getLocalName() + ";", r.getLocation());
        default -> {
          // Comments and processing instructions inside a text element are skipped.
        }
      }
    }
    return s.toString();
  }

  private static String cut(String s) {
    return s.length() <= MAX_TEXT_CHARS ? s : s.substring(0, MAX_TEXT_CHARS);
  }

  /**
   * An XMLTV time: {@code YYYYMMDDhhmmss} (trailing parts may be missing) and an optional offset
   * {@code +HHMM}/{@code -HHMM} (UTC when absent). Null when it cannot be read.
   */
  static Instant time(String text) {
    if (text == null) {
      return null;
    }
    String s = text.strip();
    int digits = 0;
    while (digits < s.length() && digits < 14 && Character.isDigit(s.charAt(digits)) && s.charAt(digits) < 128) {
      digits++;
    }
    if (digits < 8 || digits % 2 != 0) {
      return null;
    }
    String stamp = (s.substring(0, digits) + "000000").substring(0, 14);
    String rest = s.substring(digits).strip();
    try {
      ZoneOffset offset = ZoneOffset.UTC;
      if (!rest.isEmpty() && !rest.equalsIgnoreCase("Z") && !rest.equalsIgnoreCase("UTC") && !rest.equalsIgnoreCase("GMT")) {
        if (rest.length() != 5 || (rest.charAt(0) != '+' && rest.charAt(0) != '-')) {
          return null;
        }
        for (int i = 1; i < 5; i++) {
          if (rest.charAt(i) < '0' || rest.charAt(i) > '9') {
            return null;
          }
        }
        int hours = Integer.parseInt(rest.substring(1, 3));
        int minutes = Integer.parseInt(rest.substring(3, 5));
        int sign = rest.charAt(0) == '-' ? -1 : 1;
        offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
      }
      LocalDateTime local = LocalDateTime.of(Integer.parseInt(stamp.substring(0, 4)), Integer.parseInt(stamp.substring(4, 6)),
          Integer.parseInt(stamp.substring(6, 8)), Integer.parseInt(stamp.substring(8, 10)),
          Integer.parseInt(stamp.substring(10, 12)), Integer.parseInt(stamp.substring(12, 14)));
      return local.toInstant(offset);
    } catch (DateTimeException | NumberFormatException e) {
      return null;
    }
  }

  private static InputStream decompress(InputStream in, String source) throws IOException, XmltvException {
    BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        return new BufferedInputStream(new GZIPInputStream(buffered, 64 * 1024), 64 * 1024);
      } catch (java.io.EOFException | java.util.zip.ZipException e) {
        // The JDK reads the gzip header here and fails without a message (EOFException) when it is cut.
        throw XmltvException.of(source, "not a valid gzip file: its header is truncated or corrupt", e);
      }
    }
    return buffered;
  }

  private static String message(XMLStreamException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    // The JDK prefixes "ParseError at [row,col]:[3,14]\nMessage: ..."; keep it on one line.
    return m.replaceAll("\\s*\\R\\s*", " ").strip();
  }

}
