package dev.kanal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kanal.config.KanalConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kanal status}: asks a running server for its health. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Check whether a Kanal server is running (at the configured address, or --url).")
final class StatusCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ConfigOptions configOptions;

  @Option(names = "--url", paramLabel = "URL", description = "Server base URL (default: from the config, http://127.0.0.1:8080).")
  String url;

  @Option(names = "--json", description = "Print the server's health JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    String base = url;
    if (base == null) {
      KanalConfig config = configOptions.load(System.getenv());
      String host = config.server().host().equals("0.0.0.0") ? "127.0.0.1" : config.server().host();
      base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.server().port();
    }
    base = base.replaceAll("/+$", "");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    HttpResponse<String> response;
    try {
      response = client.send(HttpRequest.newBuilder(URI.create(base + "/api/health")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException | IllegalArgumentException e) {
      throw new CommandException("no Kanal server answers at " + base + " (" + e.getClass().getSimpleName() + ")");
    }
    if (response.statusCode() != 200) {
      throw new CommandException("server at " + base + " answered HTTP " + response.statusCode());
    }
    JsonNode health = new ObjectMapper().readTree(response.body());
    if (json) {
      Output.of(spec).println(health.toPrettyString());
    } else {
      Output.of(spec).println("Kanal " + health.path("version").asText("?") + " at " + base + ": " + health.path("status").asText("?"));
    }
    return 0;
  }
}
