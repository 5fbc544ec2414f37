package dev.kanal.iptv;

/** An XMLTV guide that cannot be read: malformed, over a limit, or refused (DTDs, entities); names its source. */
public final class XmltvException extends Exception {

  private final String source;

  private XmltvException(String source, String message, Throwable cause) {
    super(source + ": " + message, cause);
    this.source = source;
  }

  /** A failure of the guide read from {@code source} (a URL or a file). */
  static XmltvException of(String source, String message, Throwable cause) {
    return new XmltvException(source, message, cause);
  }

  /** The URL or file the guide came from. */
  public String source() {
    return source;
  }
}
