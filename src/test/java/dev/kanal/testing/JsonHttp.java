package dev.kanal.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small JSON-over-HTTP client for API tests: sends a body as it is, reads the answer as JSON when it is. */
public final class JsonHttp {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT).build();
  private final String base;

  /**
   * An answer.
   *
   * @param status the HTTP status
   * @param body the body as text
   * @param contentType the Content-Type header, or empty
   */
  public record Reply(int status, String body, String contentType) {
    /** The body as a JSON object (fails the test when it is not one). */
    public JsonObject json() {
      if (!contentType.startsWith("application/json")) {
        throw new AssertionError("not JSON (" + contentType + "): " + body);
      }
      return new JsonObject(body);
    }

    /** The body as a JSON array. */
    public JsonArray array() {
      return new JsonArray(body);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** A client for the server at {@code base} (e.g. {@code http://127.0.0.1:8080}). */
  public JsonHttp(String base) {
    this.base = base;
  }

  public Reply get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  public Reply put(String path, Object body) throws IOException, InterruptedException {
    return send("PUT", path, body);
  }

  public Reply post(String path, Object body) throws IOException, InterruptedException {
    return send("POST", path, body);
  }

  public Reply delete(String path) throws IOException, InterruptedException {
    return send("DELETE", path, null);
  }

  /** Sends {@code body} (a String as it is, anything else encoded as JSON; null: no body). */
  public Reply send(String method, String path, Object body) throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s
            : body instanceof JsonObject o ? o.encode() : body instanceof JsonArray a ? a.encode() : String.valueOf(body),
            StandardCharsets.UTF_8);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
        .method(method, publisher);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
  }
}
