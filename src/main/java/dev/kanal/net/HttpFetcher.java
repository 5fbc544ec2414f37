package dev.kanal.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Outgoing HTTP for playlists, guides and media: a proper User-Agent, per-request headers,
 * redirects, gzip, timeouts and a cap on the body size. Blocking: call it from a virtual thread.
 */
public final class HttpFetcher {

  /** The User-Agent sent unless a caller's headers say otherwise. */
  public static final String DEFAULT_USER_AGENT = "Mozilla/5.0 (compatible; Kanal/0.1)";

  private final HttpClient client;
  private final Duration requestTimeout;

  private HttpFetcher(HttpClient client, Duration requestTimeout) {
    this.client = client;
    this.requestTimeout = requestTimeout;
  }

  /** A fetcher with these timeouts, following redirects (not from HTTPS to HTTP). */
  public static HttpFetcher create(Duration connectTimeout, Duration requestTimeout) {
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    return new HttpFetcher(client, requestTimeout);
  }

  /**
   * A fetcher that never follows a redirect (a 3xx is returned as it is), for URLs that must be
   * fetched only from the host that named them, such as an SSDP LOCATION (LAN discovery).
   */
  public static HttpFetcher createWithoutRedirects(Duration connectTimeout, Duration requestTimeout) {
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .proxy(java.net.ProxySelector.of(null))
        .version(HttpClient.Version.HTTP_1_1) // embedded devices speak plain HTTP/1.1; no h2c upgrade
        .build();
    return new HttpFetcher(client, requestTimeout);
  }

  /**
   * A response whose body is open: read it and close it.
   *
   * @param uri the final URI after redirects
   * @param status the HTTP status code
   * @param contentType the Content-Type header, or empty
   * @param body the (gunzipped) body, limited to the requested size
   * @param headers the response headers (ETag, Last-Modified, ...), names case-insensitive
   */
  public record Response(URI uri, int status, String contentType, InputStream body, HttpHeaders headers)
      implements AutoCloseable {

    /** A response without headers besides its content type. */
    public Response(URI uri, int status, String contentType, InputStream body) {
      this(uri, status, contentType, body, HttpHeaders.of(Map.of(), (a, b) -> true));
    }

    /** The first value of a response header, for conditional requests ({@code ETag}, {@code Last-Modified}). */
    public java.util.Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  /**
   * GETs a URL. Only http and https are fetched; a body larger than {@code maxBytes} fails with an
   * IOException naming the URL while it is read.
   */
  public Response get(URI uri, Map<String, String> headers, long maxBytes) throws IOException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IOException("only http and https URLs can be fetched: " + uri);
    }
    Map<String, String> all = new LinkedHashMap<>();
    all.put("User-Agent", DEFAULT_USER_AGENT);
    all.put("Accept-Encoding", "gzip");
    SafeHeaders.clean(headers).forEach((k, v) -> {
      all.keySet().removeIf(existing -> existing.equalsIgnoreCase(k));
      all.put(k, v);
    });
    HttpResponse<InputStream> response;
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET();
      for (Map.Entry<String, String> h : all.entrySet()) {
        request.setHeader(h.getKey(), sanitize(h.getValue()));
      }
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + uri, e);
    } catch (IllegalArgumentException e) {
      throw new IOException("cannot fetch " + uri + ": " + e.getMessage(), e);
    }
    InputStream body = response.body();
    boolean gzip = response.headers().firstValue("Content-Encoding").map(v -> v.equalsIgnoreCase("gzip")).orElse(false);
    if (gzip && response.statusCode() != 304 && response.statusCode() != 204) {
      body = new GZIPInputStream(body, 64 * 1024);
    }
    return new Response(response.uri(), response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""), new CappedInputStream(body, maxBytes, "response from " + uri), response.headers());
  }

  /** Header values from playlists may carry CR/LF; they must never split a request ({@link SafeHeaders#value}). */
  static String sanitize(String value) {
    return SafeHeaders.value(value);
  }

}
