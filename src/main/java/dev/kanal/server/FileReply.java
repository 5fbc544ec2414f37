package dev.kanal.server;

import dev.kanal.server.RangeHeader.ByteRange;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What to answer to one {@code GET}/{@code HEAD} of one file: status, headers and which bytes, decided
 * from the request's conditional and range headers (RFC 9110 sections 13 and 14) before any byte is
 * read. Where RFC 9110 leaves a choice, the decision is nginx 1.22's: preconditions are evaluated in
 * its order ({@code If-Unmodified-Since}, {@code If-Match}, then {@code If-Modified-Since} and
 * {@code If-None-Match} together), {@code If-Modified-Since} only matches the exact
 * {@code Last-Modified} second ({@code if_modified_since exact}), {@code If-Range} compares an entity
 * tag byte for byte or a date to the second, and a duplicated conditional header is a 400.
 *
 * @param status the status code
 * @param headers the response headers, in order
 * @param body what follows the headers on a {@code GET} (a {@code HEAD} gets the same headers, no body)
 */
record FileReply(int status, List<Map.Entry<String, String>> headers, Body body) {

  /** Copies the headers. */
  FileReply {
    headers = List.copyOf(headers);
  }

  /** The facts about the file a reply depends on, read from the file system at request time. */
  record FileFacts(long size, long modifiedSeconds, String contentType, String fileName) {

    /** A strong entity tag from modification time and size, in nginx's format {@code "mtimehex-sizehex"}. */
    String etag() {
      return "\"" + Long.toHexString(modifiedSeconds) + "-" + Long.toHexString(size) + "\"";
    }

    /** {@code Last-Modified} (RFC 9110 section 8.8.2), to the second. */
    String lastModified() {
      return HttpDates.format(modifiedSeconds);
    }
  }

  /** The body of a reply. */
  sealed interface Body {}

  /** No body (a 304). */
  record NoBody() implements Body {}

  /** A short JSON error body. */
  record Message(byte[] json) implements Body {}

  /** One range of the file (the whole file is the range {@code 0-size}), sent zero-copy. */
  record FileRange(ByteRange range) implements Body {}

  /** A {@code multipart/byteranges} body (RFC 9110 section 14.6): each part's header, then its bytes. */
  record Multipart(List<Part> parts, byte[] closing) implements Body {

    /** Copies the parts. */
    Multipart {
      parts = List.copyOf(parts);
    }
  }

  /** One part of a multipart body: its delimiter and headers, then the range's bytes. */
  record Part(byte[] header, ByteRange range) {}

  /** How long caches (a CDN or nginx in front) may keep an original before revalidating. */
  static final String CACHE_CONTROL = "public, max-age=3600";

  private static final String[] UNIQUE_CONDITIONALS =
      {"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "If-Range"};

  /**
   * Decides the reply to a request with {@code headers} for {@code file}; {@code boundary} separates
   * multipart parts and {@code download} adds {@code Content-Disposition: attachment}.
   */
  static FileReply plan(MultiMap headers, FileFacts file, boolean download, String boundary) {
    return plan(headers, file, download, boundary, RangeHeader.MAX_RANGES);
  }

  /**
   * As {@link #plan(MultiMap, FileFacts, boolean, String)}, with a {@code Range} of more than {@code maxRanges}
   * ranges answered with the whole file ({@code server.limits.maxRanges}, nginx's {@code max_ranges}).
   */
  static FileReply plan(MultiMap headers, FileFacts file, boolean download, String boundary, int maxRanges) {
    for (String name : UNIQUE_CONDITIONALS) {
      if (headers.getAll(name).size() > 1) {
        return error(400, "the request has more than one " + name + " header", List.of());
      }
    }
    String etag = file.etag();
    long mtime = file.modifiedSeconds();

    String ifUnmodifiedSince = headers.get("If-Unmodified-Since");
    if (ifUnmodifiedSince != null && !(HttpDates.parse(ifUnmodifiedSince).orElse(-1) >= mtime)) {
      return preconditionFailed();
    }
    String ifMatch = headers.get("If-Match");
    if (ifMatch != null && !EntityTags.matches(ifMatch, etag, false)) {
      return preconditionFailed();
    }
    String ifModifiedSince = headers.get("If-Modified-Since");
    String ifNoneMatch = headers.get("If-None-Match");
    if (ifModifiedSince != null || ifNoneMatch != null) {
      boolean modified = ifModifiedSince != null && HttpDates.parse(ifModifiedSince).orElse(-1) != mtime;
      boolean noneMatch = ifNoneMatch != null && !EntityTags.matches(ifNoneMatch, etag, true);
      if (!modified && !noneMatch) {
        List<Map.Entry<String, String>> h = new ArrayList<>();
        h.add(Map.entry("Last-Modified", file.lastModified()));
        h.add(Map.entry("ETag", etag));
        h.add(Map.entry("Cache-Control", CACHE_CONTROL));
        return new FileReply(304, h, new NoBody());
      }
    }

    String range = headers.get("Range");
    if (range != null && !ifRangeHolds(headers.get("If-Range"), etag, mtime)) {
      range = null;
    }
    RangeHeader.Result result = RangeHeader.parse(range, file.size(), maxRanges);
    return switch (result) {
      case RangeHeader.NotSatisfiable n -> error(416, "the requested range is outside the file, which has "
          + file.size() + " bytes", List.of(Map.entry("Content-Range", "bytes */" + file.size()),
          Map.entry("Accept-Ranges", "bytes")));
      case RangeHeader.Whole w -> single(200, new ByteRange(0, file.size()), file, download);
      case RangeHeader.Partial p when p.ranges().size() == 1 -> single(206, p.ranges().getFirst(), file, download);
      case RangeHeader.Partial p -> multipart(p.ranges(), file, download, boundary);
    };
  }

  /** RFC 9110 section 13.1.5 as nginx applies it: an entity tag (ends in a quote) or a date, exactly. */
  private static boolean ifRangeHolds(String ifRange, String etag, long mtime) {
    if (ifRange == null) {
      return true;
    }
    if (ifRange.length() >= 2 && ifRange.charAt(ifRange.length() - 1) == '"') {
      return ifRange.equals(etag);
    }
    OptionalLong date = HttpDates.parse(ifRange);
    return date.isPresent() && date.getAsLong() == mtime;
  }

  private static FileReply single(int status, ByteRange range, FileFacts file, boolean download) {
    List<Map.Entry<String, String>> h = new ArrayList<>();
    h.add(Map.entry("Content-Type", file.contentType()));
    h.add(Map.entry("Content-Length", Long.toString(range.length())));
    if (status == 206) {
      h.add(Map.entry("Content-Range", range.contentRange(file.size())));
    }
    representation(h, file, download);
    return new FileReply(status, h, new FileRange(range));
  }

  private static FileReply multipart(List<ByteRange> ranges, FileFacts file, boolean download, String boundary) {
    List<Part> parts = new ArrayList<>(ranges.size());
    long length = 0;
    for (ByteRange r : ranges) {
      byte[] header = ("\r\n--" + boundary + "\r\nContent-Type: " + file.contentType() + "\r\nContent-Range: "
          + r.contentRange(file.size()) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
      parts.add(new Part(header, r));
      length += header.length + r.length();
    }
    byte[] closing = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    length += closing.length;
    List<Map.Entry<String, String>> h = new ArrayList<>();
    h.add(Map.entry("Content-Type", "multipart/byteranges; boundary=" + boundary));
    h.add(Map.entry("Content-Length", Long.toString(length)));
    representation(h, file, download);
    return new FileReply(206, h, new Multipart(parts, closing));
  }

  private static void representation(List<Map.Entry<String, String>> h, FileFacts file, boolean download) {
    h.add(Map.entry("Last-Modified", file.lastModified()));
    h.add(Map.entry("ETag", file.etag()));
    h.add(Map.entry("Accept-Ranges", "bytes"));
    h.add(Map.entry("Cache-Control", CACHE_CONTROL));
    h.add(Map.entry("X-Content-Type-Options", "nosniff"));
    if (download) {
      h.add(Map.entry("Content-Disposition", ContentDisposition.attachment(file.fileName())));
    }
  }

  private static FileReply preconditionFailed() {
    return error(412, "the file has changed since the version named in If-Match or If-Unmodified-Since", List.of());
  }

  /** A JSON error reply ({@code {"error": message}}), never cached. */
  static FileReply error(int status, String message, List<Map.Entry<String, String>> extra) {
    byte[] json = KanalServer.error(message).encode().getBytes(StandardCharsets.UTF_8);
    List<Map.Entry<String, String>> h = new ArrayList<>(extra);
    h.add(Map.entry("Content-Type", "application/json; charset=utf-8"));
    h.add(Map.entry("Content-Length", Integer.toString(json.length)));
    h.add(Map.entry("Cache-Control", "no-store"));
    return new FileReply(status, h, new Message(json));
  }
}
