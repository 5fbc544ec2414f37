package dev.kanal.server;

/**
 * {@code If-Match} and {@code If-None-Match} lists (RFC 9110 sections 13.1.1 and 13.1.2), compared as
 * nginx 1.22's {@code ngx_http_test_if_match} does: {@code *} alone matches; otherwise each list member
 * is compared byte for byte with the entity tag, strongly for {@code If-Match} and weakly (ignoring
 * {@code W/} on both sides) for {@code If-None-Match}.
 */
final class EntityTags {

  private EntityTags() {}

  /** Whether the header value {@code list} names {@code etag}. */
  static boolean matches(String list, String etag, boolean weak) {
    if (list.equals("*")) {
      return true;
    }
    String tag = etag;
    if (weak && tag.length() > 2 && tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    int start = 0;
    int end = list.length();
    while (start < end) {
      if (weak && end - start > 2 && list.charAt(start) == 'W' && list.charAt(start + 1) == '/') {
        start += 2;
      }
      if (tag.length() > end - start) {
        return false;
      }
      if (list.startsWith(tag, start)) {
        start += tag.length();
        while (start < end && (list.charAt(start) == ' ' || list.charAt(start) == '\t')) {
          start++;
        }
        if (start == end || list.charAt(start) == ',') {
          return true;
        }
      }
      while (start < end && list.charAt(start) != ',') {
        start++;
      }
      while (start < end && (list.charAt(start) == ' ' || list.charAt(start) == '\t' || list.charAt(start) == ',')) {
        start++;
      }
    }
    return false;
  }
}
