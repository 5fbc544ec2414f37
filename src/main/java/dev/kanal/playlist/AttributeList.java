package dev.kanal.playlist;

import java.util.Arrays;

/**
 * The attribute-list of one tag line (RFC 8216bis 4.2), tokenized in place: names and values are
 * kept as offsets into the line, so reading a tag allocates only the values actually asked for.
 * One instance is reused for every tag of a parse; it is not thread-safe.
 */
final class AttributeList {

  private String line = "";
  private int count;
  // Allocated on the first attribute, so that playlists without attribute lists never pay for them.
  private int[] nameStart = new int[0];
  private int[] nameEnd = new int[0];
  private int[] valueStart = new int[0];
  private int[] valueEnd = new int[0];
  private boolean[] quoted = new boolean[0];
  private String problem;

  /**
   * Tokenizes {@code line} from {@code from} on; tolerates what it can (spaces, a missing closing
   * quote) and remembers the first problem for {@link #problem()}.
   */
  void parse(String line, int from) {
    this.line = line;
    count = 0;
    problem = null;
    int n = line.length();
    int i = from;
    while (i < n) {
      int ns = i;
      boolean badName = false;
      char c = 0;
      while (i < n && (c = line.charAt(i)) != '=' && c != ',') {
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
          badName = true;
        }
        i++;
      }
      if (i >= n || c == ',') {
        if (i > ns && !line.substring(ns, i).isBlank()) {
          problem("attribute \"" + line.substring(ns, i).strip() + "\" has no value");
        } else {
          problem("empty attribute");
        }
        i++;
        continue;
      }
      int ne = i;
      if (badName) {
        while (ns < ne && Character.isWhitespace(line.charAt(ns))) {
          ns++;
        }
        while (ne > ns && Character.isWhitespace(line.charAt(ne - 1))) {
          ne--;
        }
        problem(badNameProblem(line, ns, ne));
      }
      i++;
      int vs;
      int ve;
      boolean q;
      if (i < n && line.charAt(i) == '"') {
        q = true;
        vs = i + 1;
        int close = line.indexOf('"', vs);
        if (close < 0) {
          problem("quoted string of " + line.substring(ns, ne) + " has no closing quote");
          ve = n;
          i = n;
        } else {
          ve = close;
          i = close + 1;
          if (i < n && line.charAt(i) != ',') {
            problem("unexpected characters after the quoted string of " + line.substring(ns, ne));
            int comma = line.indexOf(',', i);
            i = comma < 0 ? n : comma;
          }
        }
      } else {
        q = false;
        vs = i;
        int comma = line.indexOf(',', i);
        ve = comma < 0 ? n : comma;
        i = ve;
        if (ve > vs && line.charAt(ve - 1) == ' ') {
          problem("space after the value of " + line.substring(ns, ne));
          while (ve > vs && line.charAt(ve - 1) == ' ') {
            ve--;
          }
        }
      }
      if (ne > ns) {
        add(ns, ne, vs, ve, q);
      }
      if (i < n) {
        i++;
        if (i == n) {
          problem("attribute list ends with a comma");
        }
      }
    }
  }

  private static String badNameProblem(String line, int ns, int ne) {
    if (ns == ne) {
      return "empty attribute name";
    }
    String name = line.substring(ns, ne);
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
        return "attribute name \"" + name + "\" is not made of A-Z, 0-9 and '-' only";
      }
    }
    return "white space around attribute name " + name;
  }

  private void add(int ns, int ne, int vs, int ve, boolean q) {
    int length = ne - ns;
    for (int k = 0; k < count; k++) {
      if (nameEnd[k] - nameStart[k] == length && line.regionMatches(nameStart[k], line, ns, length)) {
        problem("attribute " + line.substring(ns, ne) + " appears more than once; the first is used");
        return;
      }
    }
    if (count == nameStart.length) {
      int size = Math.max(16, count * 2);
      nameStart = Arrays.copyOf(nameStart, size);
      nameEnd = Arrays.copyOf(nameEnd, size);
      valueStart = Arrays.copyOf(valueStart, size);
      valueEnd = Arrays.copyOf(valueEnd, size);
      quoted = Arrays.copyOf(quoted, size);
    }
    nameStart[count] = ns;
    nameEnd[count] = ne;
    valueStart[count] = vs;
    valueEnd[count] = ve;
    quoted[count] = q;
    count++;
  }

  private void problem(String message) {
    if (problem == null) {
      problem = message;
    }
  }

  /** The first problem met by the last {@link #parse}, or null when the list was well formed. */
  String problem() {
    return problem;
  }

  /** The line being read. */
  String line() {
    return line;
  }

  /** How many attributes the list has. */
  int size() {
    return count;
  }

  /** The index of the attribute with this name, or -1. */
  int indexOf(String name) {
    int length = name.length();
    for (int k = 0; k < count; k++) {
      if (nameEnd[k] - nameStart[k] == length && line.regionMatches(nameStart[k], name, 0, length)) {
        return k;
      }
    }
    return -1;
  }

  /** The name of attribute {@code k}. */
  String name(int k) {
    return line.substring(nameStart[k], nameEnd[k]);
  }

  /** Whether the name of attribute {@code k} starts with a prefix. */
  boolean nameStartsWith(int k, String prefix) {
    return nameEnd[k] - nameStart[k] >= prefix.length() && line.startsWith(prefix, nameStart[k]);
  }

  /** The value of attribute {@code k}, without quotes. */
  String value(int k) {
    return line.substring(valueStart[k], valueEnd[k]);
  }

  /** Where the value of attribute {@code k} starts in the line (after the opening quote). */
  int valueStart(int k) {
    return valueStart[k];
  }

  /** Where the value of attribute {@code k} ends in the line (before the closing quote). */
  int valueEnd(int k) {
    return valueEnd[k];
  }

  /** Whether attribute {@code k} is a quoted-string. */
  boolean quoted(int k) {
    return quoted[k];
  }

  /** Whether the value of attribute {@code k} equals a text. */
  boolean valueEquals(int k, String text) {
    int length = valueEnd[k] - valueStart[k];
    return length == text.length() && line.regionMatches(valueStart[k], text, 0, length);
  }
}
