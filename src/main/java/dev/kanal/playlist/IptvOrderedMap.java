package dev.kanal.playlist;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable string map that keeps insertion order, backed by two arrays: lighter than a
 * LinkedHashMap for the handful of attributes an IPTV entry carries, with a hash index only for
 * large maps.
 */
final class IptvOrderedMap extends AbstractMap<String, String> {

  /** Above this size lookups go through a hash index instead of a linear scan. */
  private static final int INDEX_THRESHOLD = 12;

  static final IptvOrderedMap EMPTY = new IptvOrderedMap(new String[0], new String[0]);

  private final String[] keys;
  private final String[] values;
  private final Map<String, Integer> index;

  /** Takes both arrays as they are: equally long, never changed afterwards. */
  private IptvOrderedMap(String[] keys, String[] values) {
    this.keys = keys;
    this.values = values;
    int size = values.length;
    if (size > INDEX_THRESHOLD) {
      index = HashMap.newHashMap(size);
      for (int i = 0; i < size; i++) {
        index.put(keys[i], i);
      }
    } else {
      index = null;
    }
  }

  /** The map itself when it is already one of these, else an ordered copy; rejects null keys and values. */
  static IptvOrderedMap copyOf(Map<String, String> map) {
    if (map instanceof IptvOrderedMap ordered) {
      return ordered;
    }
    Objects.requireNonNull(map, "map");
    if (map.isEmpty()) {
      return EMPTY;
    }
    String[] k = new String[map.size()];
    String[] v = new String[map.size()];
    int i = 0;
    for (Map.Entry<String, String> e : map.entrySet()) {
      k[i] = Objects.requireNonNull(e.getKey(), "map key");
      v[i] = Objects.requireNonNull(e.getValue(), () -> "value of " + e.getKey());
      i++;
    }
    return i == k.length ? new IptvOrderedMap(k, v) : new IptvOrderedMap(Arrays.copyOf(k, i), Arrays.copyOf(v, i));
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public String get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  /** The value of the first key equal to this one ignoring ASCII case, or null. */
  String getIgnoreCase(String key) {
    String exact = get(key);
    if (exact != null) {
      return exact;
    }
    for (int i = 0; i < values.length; i++) {
      if (equalsIgnoreAsciiCase(keys[i], key)) {
        return values[i];
      }
    }
    return null;
  }

  /** Lower-cases ASCII letters only, so that folding is stable whatever the locale and the script. */
  static String asciiLower(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = s.toCharArray();
        for (int j = i; j < n; j++) {
          char d = chars[j];
          if (d >= 'A' && d <= 'Z') {
            chars[j] = (char) (d + ('a' - 'A'));
          }
        }
        return new String(chars);
      }
    }
    return s;
  }

  /** True when both strings are equal once ASCII letters are lower-cased. */
  static boolean equalsIgnoreAsciiCase(String a, String b) {
    int n = a.length();
    if (n != b.length()) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y && lower(x) != lower(y)) {
        return false;
      }
    }
    return true;
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  String keyAt(int i) {
    return keys[i];
  }

  String valueAt(int i) {
    return values[i];
  }

  private int indexOf(Object key) {
    if (index != null) {
      Integer i = index.get(key);
      return i == null ? -1 : i;
    }
    for (int i = 0; i < values.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, String>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < values.length;
          }

          @Override
          public Entry<String, String> next() {
            if (next >= values.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(keys[i], values[i]);
          }
        };
      }

      @Override
      public int size() {
        return values.length;
      }
    };
  }

  /**
   * Collects keys and values in order; a key seen before (exactly, or ignoring ASCII case when so asked)
   * is refused so the first value wins.
   */
  static final class Builder {
    private final boolean ignoreCase;
    private String[] keys = new String[8];
    private String[] values = new String[8];
    private int size;
    private Set<String> seen;
    private String[] lastKeys;

    Builder(boolean ignoreCase) {
      this.ignoreCase = ignoreCase;
    }

    /** Adds a pair unless the key is already there; returns false for a duplicate. */
    boolean add(String key, String value) {
      if (contains(key)) {
        return false;
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size] = value;
      size++;
      if (seen != null) {
        seen.add(fold(key));
      }
      return true;
    }

    /** True when the key was added before. */
    boolean contains(String key) {
      int n = size;
      if (seen == null && n < INDEX_THRESHOLD) {
        String[] k = keys;
        for (int i = 0; i < n; i++) {
          String other = k[i];
          if (other == key || (ignoreCase ? equalsIgnoreAsciiCase(other, key) : other.equals(key))) {
            return true;
          }
        }
        return false;
      }
      if (seen == null) {
        seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
          seen.add(fold(keys[i]));
        }
      }
      return seen.contains(fold(key));
    }

    boolean isEmpty() {
      return size == 0;
    }

    private String fold(String key) {
      return ignoreCase ? asciiLower(key) : key;
    }

    /** The map so far; the builder is reset and can be reused. */
    IptvOrderedMap build() {
      if (size == 0) {
        return EMPTY;
      }
      IptvOrderedMap map = new IptvOrderedMap(sharedKeys(), Arrays.copyOf(values, size));
      reset();
      return map;
    }

    /**
     * The keys as an array, the previous map's array when the keys are the same: entries of one
     * list mostly carry the same attributes in the same order, so most maps share one key array.
     */
    private String[] sharedKeys() {
      String[] last = lastKeys;
      if (last != null && last.length == size) {
        boolean same = true;
        for (int i = 0; i < size; i++) {
          if (!last[i].equals(keys[i])) {
            same = false;
            break;
          }
        }
        if (same) {
          return last;
        }
      }
      lastKeys = Arrays.copyOf(keys, size);
      return lastKeys;
    }

    /** Forgets the pairs; the arrays keep stale references until overwritten, for at most one parse. */
    void reset() {
      size = 0;
      seen = null;
    }
  }
}
