package dev.kanal.iptv;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text folding for matching names across scripts: NFKC (full-width to ASCII, ligatures), lower
 * case, marks removed from Latin, Greek, Cyrillic, Arabic and Hebrew letters (not from Japanese
 * kana, where they change the sound), Arabic tatweel dropped and alef, yeh and teh marbuta forms
 * unified.
 */
final class SearchText {

  private SearchText() {}

  /** The folded form of a text: compare folded with folded. */
  static String fold(String s) {
    String nfkc = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    String nfd = Normalizer.normalize(nfkc, Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(nfd.length());
    Character.UnicodeScript base = Character.UnicodeScript.COMMON;
    for (int i = 0; i < nfd.length(); ) {
      int cp = nfd.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK) {
        if (stripsMarks(base)) {
          continue;
        }
        out.appendCodePoint(cp);
        continue;
      }
      base = Character.UnicodeScript.of(cp);
      switch (cp) {
        case 0x0640 -> { } // tatweel (kashida): elongation only
        case 0x0671, 0x0672, 0x0673, 0x0675 -> out.append('\u0627'); // alef wasla and other alef forms
        case 0x0649 -> out.append('\u064A'); // alef maksura -> yeh
        case 0x0629 -> out.append('\u0647'); // teh marbuta -> heh
        case 0x06CC -> out.append('\u064A'); // Farsi yeh -> yeh
        case 0x06A9 -> out.append('\u0643'); // keheh -> kaf
        default -> out.appendCodePoint(cp);
      }
    }
    return Normalizer.normalize(out, Normalizer.Form.NFC);
  }

  private static boolean stripsMarks(Character.UnicodeScript script) {
    return switch (script) {
      case LATIN, GREEK, CYRILLIC, ARABIC, HEBREW, COMMON -> true;
      default -> false;
    };
  }

  /** True for scripts written without spaces, where search matches substrings instead of tokens. */
  static boolean isCjk(int cp) {
    Character.UnicodeScript script = Character.UnicodeScript.of(cp);
    return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
        || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL
        || script == Character.UnicodeScript.THAI;
  }

  /**
   * The tokens of a folded text: runs of letters and digits, split where a CJK run meets another
   * script ({@code cctv-1综合} gives {@code cctv}, {@code 1}, {@code 综合}).
   */
  static List<String> tokens(String folded) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int lastKind = -1;
    for (int i = 0; i < folded.length(); ) {
      int cp = folded.codePointAt(i);
      i += Character.charCount(cp);
      if (!Character.isLetterOrDigit(cp) && Character.getType(cp) != Character.NON_SPACING_MARK
          && Character.getType(cp) != Character.COMBINING_SPACING_MARK) {
        flush(tokens, current);
        lastKind = -1;
        continue;
      }
      int kind = isCjk(cp) ? 1 : 0;
      if (lastKind >= 0 && kind != lastKind) {
        flush(tokens, current);
      }
      current.appendCodePoint(cp);
      lastKind = kind;
    }
    flush(tokens, current);
    return tokens;
  }

  private static void flush(List<String> tokens, StringBuilder current) {
    if (!current.isEmpty()) {
      tokens.add(current.toString());
      current.setLength(0);
    }
  }

  /** The folded text with everything but letters, digits and marks removed: {@code "cctv 1 综合"} -> {@code "cctv1综合"}. */
  static String compact(String folded) {
    return String.join("", tokens(folded));
  }

  /** True when the text holds a CJK character. */
  static boolean hasCjk(String s) {
    return s.codePoints().anyMatch(SearchText::isCjk);
  }

  /**
   * The optimal-string-alignment (restricted Damerau-Levenshtein) distance of two strings, by code
   * unit, or {@code max + 1} as soon as it must exceed {@code max}.
   */
  static int distance(String a, String b, int max) {
    int n = a.length();
    int m = b.length();
    if (Math.abs(n - m) > max) {
      return max + 1;
    }
    int[] prev2 = new int[m + 1];
    int[] prev = new int[m + 1];
    int[] cur = new int[m + 1];
    for (int j = 0; j <= m; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= n; i++) {
      cur[0] = i;
      int rowMin = cur[0];
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, prev2[j - 2] + 1);
        }
        cur[j] = v;
        rowMin = Math.min(rowMin, v);
      }
      if (rowMin > max) {
        return max + 1;
      }
      int[] t = prev2;
      prev2 = prev;
      prev = cur;
      cur = t;
    }
    return Math.min(prev[m], max + 1);
  }

  /** How many typos a query token of this length may carry: 0 below 4 characters, 1 below 8, else 2. */
  static int allowedTypos(String token) {
    int len = token.codePointCount(0, token.length());
    return len >= 8 ? 2 : len >= 4 ? 1 : 0;
  }
}
