package dev.kanal.discovery;

import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The fields Kanal shows from a UPnP device description (UPnP Device Architecture 1.1, section 2.3):
 * the root device's type, friendly name, manufacturer, model and UDN. Read with StAX, DTDs and
 * external entities off; texts are cut at 256 characters. {@link #parse} never throws.
 *
 * @param fields by element name ({@code deviceType}, {@code friendlyName}, {@code manufacturer},
 *     {@code modelName}, {@code modelNumber}, {@code UDN}, {@code URLBase}); only those present
 */
record DeviceDescription(Map<String, String> fields) {

  static final int MAX_BYTES = 64 * 1024;
  private static final Set<String> WANTED = Set.of("deviceType", "friendlyName", "manufacturer", "modelName",
      "modelNumber", "UDN", "URLBase");
  private static final XMLInputFactory XML = factory();

  DeviceDescription {
    fields = Map.copyOf(fields);
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    return f;
  }

  /** The description in {@code xml}; empty when it is not one (no {@code device} element, not XML, too large). */
  static Optional<DeviceDescription> parse(byte[] xml) {
    if (xml == null || xml.length == 0 || xml.length > MAX_BYTES) {
      return Optional.empty();
    }
    Map<String, String> out = new LinkedHashMap<>();
    boolean sawDevice = false;
    int deviceDepth = 0;
    XMLStreamReader r = null;
    try {
      r = XML.createXMLStreamReader(new ByteArrayInputStream(xml));
      int depth = 0;
      int events = 0;
      while (r.hasNext() && events++ < 100_000) {
        int event = r.next();
        if (event == XMLStreamConstants.DTD) {
          return Optional.empty(); // a description has no DOCTYPE; one that has is refused
        }
        if (event == XMLStreamConstants.START_ELEMENT) {
          depth++;
          String name = r.getLocalName();
          if (name.equals("device") && !sawDevice) {
            sawDevice = true;
            deviceDepth = depth;
          } else if (name.equals("URLBase") || (sawDevice && depth == deviceDepth + 1 && WANTED.contains(name))) {
            String text = r.getElementText(); // ends on END_ELEMENT
            depth--;
            out.putIfAbsent(name, Text.clean(text, 256));
          }
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          if (sawDevice && depth == deviceDepth && r.getLocalName().equals("device")) {
            break; // the root device's own fields are done; embedded devices are not read
          }
          depth--;
        }
      }
    } catch (XMLStreamException | RuntimeException e) {
      return Optional.empty();
    } finally {
      if (r != null) {
        try {
          r.close();
        } catch (XMLStreamException ignored) {
          // nothing to free
        }
      }
    }
    return sawDevice ? Optional.of(new DeviceDescription(out)) : Optional.empty();
  }

  String get(String field) {
    return fields.getOrDefault(field, "");
  }

  /** Whether this is a UPnP MediaServer (any version). */
  boolean isMediaServer() {
    return get("deviceType").toLowerCase(Locale.ROOT).startsWith("urn:schemas-upnp-org:device:mediaserver:");
  }

  /** Whether this looks like an HDHomeRun or an emulator of one (Silicondust, HDHR/HDTC models). */
  boolean isHdHomeRun() {
    String model = (get("modelName") + " " + get("modelNumber")).toUpperCase(Locale.ROOT);
    return get("manufacturer").equalsIgnoreCase("Silicondust") || model.contains("HDHR") || model.contains("HDTC");
  }
}
