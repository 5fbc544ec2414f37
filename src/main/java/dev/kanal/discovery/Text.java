package dev.kanal.discovery;

/** Checks and trims text that came from the network before it is shown or logged. */
final class Text {

  private Text() {}

  /** Whether {@code s} has no control characters (C0, DEL, C1, bidirectional) and no unpaired surrogates. */
  static boolean isClean(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || isBidiControl(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Bidirectional controls (U+200E/F, U+202A-E, U+2066-9), which could make a name display as another. */
  static boolean isBidiControl(char c) {
    return c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
  }

  /** {@code s} without control characters (bidirectional ones included) or surrogates, stripped and cut at {@code max} characters; empty for null. */
  static String clean(String s, int max) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < max; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c) || isBidiControl(c)) {
        continue;
      }
      out.append(c);
    }
    return out.toString().strip();
  }
}
