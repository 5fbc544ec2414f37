package dev.kanal.iptv;

import java.text.Normalizer;
import java.util.Locale;

/** Channel names for guide matching: case-, accent- and width-insensitive, punctuation and spaces dropped. */
final class EpgNames {

  private EpgNames() {}

  /** {@code "Ｔé­lé 5 HD!"} and {@code "tele 5 hd"} give the same key. */
  static String normalise(String name) {
    String s = Normalizer.normalize(name, Normalizer.Form.NFKC);
    s = Normalizer.normalize(s, Normalizer.Form.NFD);
    StringBuilder key = new StringBuilder(s.length());
    s.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
      int type = Character.getType(c);
      if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.COMBINING_SPACING_MARK) {
        return;
      }
      if (Character.isLetterOrDigit(c)) {
        key.appendCodePoint(c);
      }
    });
    return key.toString();
  }
}
