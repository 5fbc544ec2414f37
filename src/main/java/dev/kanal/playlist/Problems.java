package dev.kanal.playlist;

import java.util.ArrayList;
import java.util.List;

/** Collects warnings in lenient mode; in strict mode the first one becomes the exception. */
final class Problems {

  private static final int MAX_WARNINGS = 1000;

  private final boolean strict;
  private final List<ParseWarning> warnings = new ArrayList<>();
  private int dropped;

  Problems(boolean strict) {
    this.strict = strict;
  }

  /** Records a tolerated problem at a line (0 for the whole input); throws in strict mode. */
  void warn(int line, String message) throws PlaylistParseException {
    ParseWarning warning = new ParseWarning(line, message);
    if (strict) {
      throw PlaylistParseException.fromWarning(warning);
    }
    if (warnings.size() < MAX_WARNINGS) {
      warnings.add(warning);
    } else {
      dropped++;
    }
  }

  /** The warnings so far, bounded; a final entry counts those left out. */
  List<ParseWarning> toList() {
    if (dropped == 0) {
      return List.copyOf(warnings);
    }
    List<ParseWarning> all = new ArrayList<>(warnings);
    all.add(new ParseWarning(0, dropped + " more warnings left out"));
    return List.copyOf(all);
  }
}
