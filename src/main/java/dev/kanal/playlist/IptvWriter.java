package dev.kanal.playlist;

import java.io.IOException;
import java.util.Map;

/**
 * Writes an {@link IptvPlaylist} as canonical extended M3U: an {@code #EXTM3U} line with the
 * header attributes, then per entry its {@code #EXTINF} with quoted attributes, {@code #EXTGRP},
 * {@code #EXTVLCOPT}, {@code #KODIPROP} and other lines, and the URL; LF line ends, no byte-order
 * mark. Parsing the output with {@link IptvPlaylist#parse(String, ParseOptions)} gives back an equal
 * playlist (see {@link IptvPlaylist#withoutPositions()}); so does {@link Playlists#parse}, unless the
 * first entry has no attributes and carries HLS-only tag lines, which make the sniffer read HLS.
 *
 * <p>Line breaks inside values become spaces. A value holding both kinds of quote and a blank or
 * comma cannot be written as one attribute value, so its double quotes become single quotes; the
 * parser never produces such a value.
 */
public final class IptvWriter {

  private IptvWriter() {}

  /** Writes the playlist to {@code out}. */
  public static void write(IptvPlaylist playlist, Appendable out) throws IOException {
    out.append("#EXTM3U");
    attributes(playlist.header(), false, out);
    out.append('\n');
    for (IptvPlaylist.Entry entry : playlist.entries()) {
      entry(entry, out);
    }
    for (String line : playlist.trailingLines()) {
      line(line, out);
    }
  }

  /** The playlist as text. */
  public static String toString(IptvPlaylist playlist) {
    StringBuilder out = new StringBuilder(64 + playlist.entries().size() * 160);
    try {
      write(playlist, out);
    } catch (IOException e) {
      throw new AssertionError("a StringBuilder does not fail", e);
    }
    return out.toString();
  }

  private static void entry(IptvPlaylist.Entry entry, Appendable out) throws IOException {
    out.append("#EXTINF:").append(entry.duration().toPlainString());
    attributes(entry.attributes(), true, out);
    out.append(',');
    text(entry.title(), out);
    out.append('\n');
    if (!entry.extGrp().isEmpty()) {
      out.append("#EXTGRP:");
      text(entry.extGrp(), out);
      out.append('\n');
    }
    options("#EXTVLCOPT:", entry.vlcOptions(), out);
    options("#KODIPROP:", entry.kodiProps(), out);
    for (String line : entry.extraLines()) {
      line(line, out);
    }
    text(entry.url(), out);
    out.append('\n');
  }

  private static void options(String tag, Map<String, String> options, Appendable out) throws IOException {
    for (Map.Entry<String, String> option : options.entrySet()) {
      String key = option.getKey();
      if (key.isBlank()) {
        continue;
      }
      out.append(tag);
      text(key.replace('=', '_'), out);
      if (!option.getValue().isEmpty()) {
        out.append('=');
        text(option.getValue(), out);
      }
      out.append('\n');
    }
  }

  private static void attributes(Map<String, String> attributes, boolean extinf, Appendable out)
      throws IOException {
    for (Map.Entry<String, String> attribute : attributes.entrySet()) {
      String key = key(attribute.getKey());
      if (key.isEmpty()) {
        continue;
      }
      out.append(' ').append(key).append('=');
      value(attribute.getValue(), extinf, out);
    }
  }

  /** Double quotes when the value holds none; else single quotes; else bare when it can be. */
  private static void value(String value, boolean extinf, Appendable out) throws IOException {
    if (value.indexOf('"') < 0) {
      out.append('"');
      text(value, out);
      out.append('"');
    } else if (value.indexOf('\'') < 0) {
      out.append('\'');
      text(value, out);
      out.append('\'');
    } else if (canBeBare(value, extinf)) {
      text(value, out);
    } else {
      out.append('"');
      text(value.replace('"', '\''), out);
      out.append('"');
    }
  }

  private static boolean canBeBare(String value, boolean extinf) {
    if (value.isEmpty() || value.charAt(0) == '"' || value.charAt(0) == '\'') {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || (extinf && c == ',')) {
        return false;
      }
    }
    return true;
  }

  /** A key as the parser reads keys: no blanks, '=', ',' or line breaks. */
  private static String key(String key) {
    StringBuilder out = null;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == ' ' || c == '\t' || c == '=' || c == ',' || c == '\r' || c == '\n') {
        if (out == null) {
          out = new StringBuilder(key);
        }
        out.setCharAt(i, '_');
      }
    }
    return out == null ? key : out.toString();
  }

  /** A comment or option line; a hand-built one without its '#' gets one, so it cannot turn into a URL. */
  private static void line(String line, Appendable out) throws IOException {
    if (line.isEmpty() || line.charAt(0) != '#') {
      out.append('#');
    }
    text(line, out);
    out.append('\n');
  }

  /** Appends text with any CR or LF turned into a space, so that one value stays one line. */
  private static void text(String text, Appendable out) throws IOException {
    if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
      out.append(text);
    } else {
      out.append(text.replace('\r', ' ').replace('\n', ' '));
    }
  }
}
