package dev.kanal.library;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** Turns release-style file names into titles people read, and titles into search keys. */
final class Titles {

  /** Bracketed tags: [1080p], [GroupName], {tag}. Parenthesised years are kept. */
  private static final Pattern BRACKETS = Pattern.compile("\\[[^\\]]*\\]|\\{[^}]*\\}");
  /** Release tags; from the first one on, the rest of the name is noise. */
  private static final Pattern RELEASE_TAG = Pattern.compile(
      "(?i)\\b(2160p|1080p|1080i|720p|576p|480p|4k|8k|uhd|hdr10\\+?|hdr|dolby[ .]?vision|dv|x264|x265|h\\.?264|h\\.?265|hevc|avc|av1|vp9"
          + "|bluray|blu-ray|bdrip|brrip|web-?dl|web-?rip|webrip|hdtv|dvdrip|remux|aac|ac3|dts|ddp?5\\.1|atmos|10bit|proper|repack)\\b.*$");
  private static final Pattern SEPARATORS = Pattern.compile("[._]+");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  private Titles() {}

  /** "The.Big.Movie.2019.2160p.UHD.BluRay.x265-GRP.mkv" becomes "The Big Movie 2019". */
  static String fromFileName(String fileName) {
    String base = fileName;
    int dot = base.lastIndexOf('.');
    if (dot > 0) {
      base = base.substring(0, dot);
    }
    String title = BRACKETS.matcher(base).replaceAll(" ");
    title = SPACES.matcher(SEPARATORS.matcher(title).replaceAll(" ")).replaceAll(" ").strip();
    String withoutTags = RELEASE_TAG.matcher(title).replaceFirst("").replaceAll("[\\s-]+$", "").strip();
    if (!withoutTags.isEmpty()) {
      return withoutTags;
    }
    return title.isEmpty() ? base.strip() : title;
  }

  /** Lower case, accents removed, compatibility forms folded: "Amélie" and "AMELIE" share a key. */
  static String searchKey(String text) {
    String folded = Normalizer.normalize(text, Normalizer.Form.NFKD);
    folded = MARKS.matcher(folded).replaceAll("");
    return folded.toLowerCase(Locale.ROOT);
  }
}
