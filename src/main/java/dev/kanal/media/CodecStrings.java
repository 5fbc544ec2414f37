package dev.kanal.media;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 6381 codec strings for the HLS {@code CODECS} attribute (RFC 8216bis 4.4.6.2), built from what
 * the produced streams say about themselves: {@code avc1.PPCCLL} (profile_idc, constraint flags and
 * level_idc of the H.264 sequence parameter set, ISO/IEC 14496-15) and {@code mp4a.40.AOT} (the AAC
 * audio object type, ISO/IEC 14496-3).
 */
final class CodecStrings {

  private static final Pattern TRACE_FIELD =
      Pattern.compile("\\b(profile_idc|constraint_set([0-5])_flag|level_idc)\\s+[01]+\\s+=\\s+(\\d+)");

  private CodecStrings() {}

  /**
   * The parameters of an H.264 sequence parameter set.
   *
   * @param profileIdc profile_idc (66 Baseline, 77 Main, 100 High)
   * @param constraints the six constraint_set flags as the byte that follows profile_idc
   * @param levelIdc level_idc (31 for level 3.1)
   */
  record Avc(int profileIdc, int constraints, int levelIdc) {
    /** {@code avc1.PPCCLL} in lower-case hexadecimal. */
    String codecs() {
      return String.format(Locale.ROOT, "avc1.%02x%02x%02x", profileIdc, constraints, levelIdc);
    }
  }

  /**
   * The first SPS in the output of ffmpeg's {@code trace_headers} bitstream filter, or null when
   * the output has none.
   */
  static Avc fromTrace(String trace) {
    Integer profile = null;
    Integer level = null;
    int constraints = 0;
    Matcher m = TRACE_FIELD.matcher(trace);
    while (m.find()) {
      int value = Integer.parseInt(m.group(3));
      if (m.group(1).equals("profile_idc")) {
        if (profile != null) {
          break; // the next SPS: the first one is complete
        }
        profile = value;
      } else if (m.group(1).equals("level_idc")) {
        level = value;
      } else if (value == 1) {
        constraints |= 0x80 >> Integer.parseInt(m.group(2));
      }
    }
    return profile == null || level == null ? null : new Avc(profile, constraints, level);
  }

  /**
   * The SPS parameters implied by ffprobe's profile name and level, for when the bitstream cannot be
   * traced: ffprobe reports "Constrained Baseline" for Baseline with constraint_set1, the other
   * constraint flags are not reported and taken as 0.
   */
  static Avc fromProbe(String profile, int level) {
    String p = profile == null ? "" : profile.toLowerCase(Locale.ROOT);
    return switch (p) {
      case "constrained baseline" -> new Avc(66, 0x40, level);
      case "baseline" -> new Avc(66, 0, level);
      case "main" -> new Avc(77, 0, level);
      case "extended" -> new Avc(88, 0, level);
      case "high" -> new Avc(100, 0, level);
      case "high 10" -> new Avc(110, 0, level);
      case "high 4:2:2" -> new Avc(122, 0, level);
      case "high 4:4:4 predictive" -> new Avc(244, 0, level);
      default -> throw new IllegalArgumentException("unknown H.264 profile: " + profile);
    };
  }

  /** {@code mp4a.40.2} for AAC LC, {@code .5} for HE-AAC, {@code .29} for HE-AAC v2 (ffprobe's profile names). */
  static String aac(String profile) {
    String p = profile == null ? "lc" : profile.toLowerCase(Locale.ROOT);
    return switch (p) {
      case "he-aac" -> "mp4a.40.5";
      case "he-aacv2" -> "mp4a.40.29";
      case "main" -> "mp4a.40.1";
      default -> "mp4a.40.2";
    };
  }
}
