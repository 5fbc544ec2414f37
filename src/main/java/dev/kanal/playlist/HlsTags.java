package dev.kanal.playlist;

/**
 * The tag names the HLS parser knows, as small integer ids, and a lookup that needs no substring and
 * hashes only four characters: the parser switches over the id and calls one method per tag.
 */
final class HlsTags {

  static final int UNKNOWN = 0;
  static final int EXTM3U = 1;
  static final int EXT_X_VERSION = 2;
  static final int EXT_X_INDEPENDENT_SEGMENTS = 3;
  static final int EXT_X_START = 4;
  static final int EXT_X_DEFINE = 5;
  static final int EXTINF = 6;
  static final int EXT_X_BYTERANGE = 7;
  static final int EXT_X_DISCONTINUITY = 8;
  static final int EXT_X_KEY = 9;
  static final int EXT_X_MAP = 10;
  static final int EXT_X_PROGRAM_DATE_TIME = 11;
  static final int EXT_X_GAP = 12;
  static final int EXT_X_BITRATE = 13;
  static final int EXT_X_PART = 14;
  static final int EXT_X_DATERANGE = 15;
  static final int EXT_X_SKIP = 16;
  static final int EXT_X_PRELOAD_HINT = 17;
  static final int EXT_X_RENDITION_REPORT = 18;
  static final int EXT_X_TARGETDURATION = 19;
  static final int EXT_X_MEDIA_SEQUENCE = 20;
  static final int EXT_X_DISCONTINUITY_SEQUENCE = 21;
  static final int EXT_X_ENDLIST = 22;
  static final int EXT_X_PLAYLIST_TYPE = 23;
  static final int EXT_X_I_FRAMES_ONLY = 24;
  static final int EXT_X_PART_INF = 25;
  static final int EXT_X_SERVER_CONTROL = 26;
  static final int EXT_X_MEDIA = 27;
  static final int EXT_X_STREAM_INF = 28;
  static final int EXT_X_I_FRAME_STREAM_INF = 29;
  static final int EXT_X_SESSION_DATA = 30;
  static final int EXT_X_SESSION_KEY = 31;
  static final int EXT_X_CONTENT_STEERING = 32;

  /** Tag names by id; index 0 is unused. */
  private static final String[] NAMES = {
      null, "EXTM3U", "EXT-X-VERSION", "EXT-X-INDEPENDENT-SEGMENTS", "EXT-X-START", "EXT-X-DEFINE",
      "EXTINF", "EXT-X-BYTERANGE", "EXT-X-DISCONTINUITY", "EXT-X-KEY", "EXT-X-MAP", "EXT-X-PROGRAM-DATE-TIME",
      "EXT-X-GAP", "EXT-X-BITRATE", "EXT-X-PART", "EXT-X-DATERANGE", "EXT-X-SKIP", "EXT-X-PRELOAD-HINT",
      "EXT-X-RENDITION-REPORT", "EXT-X-TARGETDURATION", "EXT-X-MEDIA-SEQUENCE", "EXT-X-DISCONTINUITY-SEQUENCE",
      "EXT-X-ENDLIST", "EXT-X-PLAYLIST-TYPE", "EXT-X-I-FRAMES-ONLY", "EXT-X-PART-INF", "EXT-X-SERVER-CONTROL",
      "EXT-X-MEDIA", "EXT-X-STREAM-INF", "EXT-X-I-FRAME-STREAM-INF", "EXT-X-SESSION-DATA", "EXT-X-SESSION-KEY",
      "EXT-X-CONTENT-STEERING"};

  private static final int TABLE_SIZE = 128;
  private static final int MASK = TABLE_SIZE - 1;
  /**
   * Open-addressing table of ids keyed by {@link #hash}, which looks at four characters only and
   * happens to give every known name its own slot.
   */
  private static final int[] TABLE = new int[TABLE_SIZE];

  static {
    for (int id = 1; id < NAMES.length; id++) {
      String name = NAMES[id];
      int slot = hash(name, 0, name.length()) & MASK;
      while (TABLE[slot] != UNKNOWN) {
        slot = (slot + 1) & MASK;
      }
      TABLE[slot] = id;
    }
  }

  private HlsTags() {}

  /** The name of a tag id, without the leading '#'. */
  static String name(int id) {
    return NAMES[id];
  }

  /** The id of the tag whose name is {@code line[from, to)}, or {@link #UNKNOWN}. */
  static int lookup(String line, int from, int to) {
    int length = to - from;
    if (length <= 0) {
      return UNKNOWN;
    }
    int slot = hash(line, from, to) & MASK;
    while (true) {
      int id = TABLE[slot];
      if (id == UNKNOWN) {
        return UNKNOWN;
      }
      if (matches(NAMES[id], line, from, length)) {
        return id;
      }
      slot = (slot + 1) & MASK;
    }
  }

  private static boolean matches(String name, String line, int from, int length) {
    return name.length() == length && line.startsWith(name, from);
  }

  private static int hash(String s, int from, int to) {
    int length = to - from;
    int last = to - 1;
    return length * 5 + s.charAt(last) * 2 + s.charAt(Math.min(from + 6, last)) + s.charAt(Math.min(from + 7, last)) * 3;
  }
}
