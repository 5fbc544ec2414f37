package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.LanAddress;
import dev.kanal.testing.RedisServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code kanal serve} processes on a LAN address sharing one redis-server: the first run prints how
 * to make the admin, a user added by {@code kanal user add} (no server involved) logs in through one
 * node and the login works on the other, and a token revoked through one stops working on both.
 */
class AuthTwoNodesTest {

  @TempDir Path dir;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void twoNodesSharingRedis_shareUsersLoginsAndTokens() throws Exception {
    String host = LanAddress.ipv4();
    try (RedisServer redis = RedisServer.start()) {
      Path config = Files.writeString(dir.resolve("kanal.yaml"), """
          server:
            host: %s
          store:
            redis:
              url: %s
          """.formatted(host, redis.url()));
      try (KanalProcess a = start("a", config); KanalProcess b = start("b", config)) {
        String nodeA = a.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(90));
        String nodeB = b.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(90));
        assertThat(nodeA).contains(host);
        awaitStderr(a, "kanal user add admin --admin");
        assertThat(send(nodeA, "GET", "/api/videos", null, "X-None", "-").statusCode()).isEqualTo(401);

        InputStream stdin = System.in;
        try {
          System.setIn(new ByteArrayInputStream("admin password\n".getBytes(StandardCharsets.UTF_8)));
          StringWriter err = new StringWriter();
          int exit = KanalCli.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
              .execute("user", "add", "admin", "--admin", "--password-stdin", "--config", config.toString(),
                  "--data", dir.resolve("cli").toString());
          assertThat(exit).as(err.toString()).isZero();
        } finally {
          System.setIn(stdin);
        }

        HttpResponse<String> login = send(nodeA, "POST", "/api/login",
            new JsonObject().put("user", "admin").put("password", "admin password").encode(), "Content-Type", "application/json");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertThat(send(nodeB, "GET", "/api/me", null, "Cookie", cookie).body()).contains("\"user\":\"admin\"");

        HttpResponse<String> made = send(nodeB, "POST", "/api/tokens", "{\"kind\":\"api\"}", "Cookie", cookie,
            "Origin", nodeB, "Content-Type", "application/json");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        JsonObject token = new JsonObject(made.body());
        String bearer = "Bearer " + token.getString("token");
        assertThat(send(nodeA, "GET", "/api/me", null, "Authorization", bearer).statusCode()).isEqualTo(200);
        assertThat(send(nodeA, "DELETE", "/api/tokens/" + token.getString("id"), null, "Authorization", bearer)
            .statusCode()).isEqualTo(204);
        assertThat(send(nodeB, "GET", "/api/me", null, "Authorization", bearer).statusCode()).isEqualTo(401);

        assertThat(send(nodeB, "POST", "/api/logout", null, "Cookie", cookie).statusCode()).isEqualTo(204);
        assertThat(send(nodeA, "GET", "/api/me", null, "Cookie", cookie).statusCode()).isEqualTo(401);
      }
    }
  }

  private void awaitStderr(KanalProcess p, String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!p.stderr().contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(p.stderr()).contains(text);
  }

  private HttpResponse<String> send(String base, String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private KanalProcess start(String name, Path config) throws Exception {
    return KanalProcess.start(dir, "serve", "--config", config.toString(), "--port", "0", "--data",
        dir.resolve(name).toString());
  }
}
