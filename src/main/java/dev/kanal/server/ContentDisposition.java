package dev.kanal.server;

import java.nio.charset.StandardCharsets;

/**
 * {@code Content-Disposition: attachment} with the original file name (RFC 6266): an ASCII
 * {@code filename} for old clients and, when the name is not plain ASCII, {@code filename*} in
 * UTF-8 percent-encoding (RFC 8187). Control characters and path separators never reach the header.
 */
final class ContentDisposition {

  private static final String ATTR_CHAR_PUNCTUATION = "!#$&+-.^_`|~";

  private ContentDisposition() {}

  /** The header value for downloading a file called {@code fileName}. */
  static String attachment(String fileName) {
    StringBuilder clean = new StringBuilder(fileName.length());
    fileName.codePoints().forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == '/' || cp == '\\') {
        clean.append('_');
      } else {
        clean.appendCodePoint(cp);
      }
    });
    String name = clean.toString().strip();
    if (name.isEmpty()) {
      name = "download";
    }
    StringBuilder fallback = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      fallback.append(c < 0x20 || c > 0x7e || c == '"' || c == '%' ? '_' : c);
    }
    String value = "attachment; filename=\"" + fallback + "\"";
    if (!fallback.toString().equals(name)) {
      value += "; filename*=UTF-8''" + percentEncode(name);
    }
    return value;
  }

  private static String percentEncode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || ATTR_CHAR_PUNCTUATION.indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
