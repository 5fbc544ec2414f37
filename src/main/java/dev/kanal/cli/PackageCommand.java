package dev.kanal.cli;

import dev.kanal.config.KanalConfig;
import dev.kanal.library.Library;
import dev.kanal.library.Video;
import dev.kanal.media.PackageQueue;
import dev.kanal.media.PackageStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kanal library package <id>... | --all [--wait] [--json]}: full packaging into an ABR ladder.
 * When a Kanal server answers on the configured address the jobs go to it ({@code POST
 * /api/videos/{id}/package}, waited for with {@code --wait}); otherwise they run in this process,
 * which waits for them and prints progress.
 */
@Command(name = "package", mixinStandardHelpOptions = true,
    description = {"Package videos into an HLS ABR ladder (dataDir/packages/<id>), in the background of a running server "
        + "or, without one, here and now.",
        "Exit code: 0 packaged (or queued by the server without --wait), 1 a video is unknown, cannot be packaged or failed, "
        + "2 usage."})
final class PackageCommand implements Callable<Integer> {

  private static final Set<String> DONE = Set.of("published", "failed", "cancelled", "none");
  private static final Duration POLL = Duration.ofMillis(500);

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOptions configOptions;

  @Parameters(paramLabel = "ID", arity = "0..*", description = "Video ids (from 'kanal library list').")
  List<String> ids = new ArrayList<>();

  @Option(names = "--all", description = "Every video of the library that can be packaged.")
  boolean all;

  @Option(names = "--wait", description = "With a running server: wait until the jobs are done (always the case without one).")
  boolean waitForJobs;

  @Option(names = "--json", description = "Print the final status of each job as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (all == !ids.isEmpty()) {
      throw new CommandException("give video ids or --all, not both or neither", KanalCli.EXIT_USAGE, null);
    }
    KanalConfig config = configOptions.load(System.getenv());
    DataDir.prepare(config.storage().dataDir());
    Optional<URI> server = runningServer(config);
    Map<String, PackageStatus> result = server.isPresent() ? viaServer(server.get()) : inProcess(config);
    PrintWriter out = Output.of(spec);
    if (json) {
      JsonArray array = new JsonArray();
      result.values().forEach(s -> array.add(statusJson(s)));
      out.println(array.encodePrettily());
    }
    out.flush();
    long bad = result.values().stream().filter(s -> !(s.state().equals("published")
        || server.isPresent() && !waitForJobs && (s.state().equals("queued") || s.state().equals("running")))).count();
    if (bad > 0) {
      throw new CommandException(bad + " of " + result.size() + " video" + (result.size() == 1 ? "" : "s")
          + " not packaged", 1, null);
    }
    return 0;
  }

  /** Runs the jobs here: the same queue, database and folders the server uses. */
  private Map<String, PackageStatus> inProcess(KanalConfig config) throws Exception {
    if (config.library().folders().isEmpty()) {
      throw new CommandException("no video folders: give one with --media DIR or set library.folders in the config",
          KanalCli.EXIT_USAGE, null);
    }
    try (LibrarySetup.Parts parts = LibrarySetup.open(config, true);
        PackageQueue jobs = PackagingSetup.open(config, parts)) {
      List<String> targets = all ? packageable(parts.library()) : ids;
      if (!all) {
        for (String id : targets) {
          if (parts.library().get(id).isEmpty()) {
            throw new CommandException("no video with id '" + id + "' in the configured folders (see 'kanal library list')",
                1, null);
          }
        }
      }
      Map<String, PackageStatus> status = new LinkedHashMap<>();
      for (String id : targets) {
        try {
          status.put(id, jobs.request(id));
        } catch (IllegalArgumentException | IllegalStateException e) {
          status.put(id, new PackageStatus(id, "failed", 0, Optional.of(e.getMessage())));
        }
      }
      jobs.start();
      return await(status, jobs::status);
    }
  }

  private static List<String> packageable(Library library) throws Exception {
    List<String> out = new ArrayList<>();
    for (int offset = 0; ; offset += 1000) {
      Library.Page page = library.list("", Video.Status.OK, Library.Sort.TITLE, false, offset, 1000);
      page.items().stream().filter(v -> v.info() != null && v.info().video().isPresent()).forEach(v -> out.add(v.id()));
      if (page.items().size() < 1000) {
        return out;
      }
    }
  }

  /** Polls until every job is done, printing each change of state and every 5 % of progress. */
  private Map<String, PackageStatus> await(Map<String, PackageStatus> status, StatusSource source) throws Exception {
    Map<String, PackageStatus> shown = new LinkedHashMap<>();
    while (true) {
      boolean pending = false;
      for (Map.Entry<String, PackageStatus> e : status.entrySet()) {
        PackageStatus s = DONE.contains(e.getValue().state()) ? e.getValue() : source.status(e.getKey());
        e.setValue(s);
        PackageStatus before = shown.get(e.getKey());
        if (before == null || !before.state().equals(s.state()) || Math.floor(s.progress() / 5) > Math.floor(before.progress() / 5)) {
          progress(e.getKey(), s);
          shown.put(e.getKey(), s);
        }
        pending |= !DONE.contains(s.state());
      }
      if (!pending) {
        return status;
      }
      Thread.sleep(POLL);
    }
  }

  private void progress(String id, PackageStatus s) {
    PrintWriter err = spec.commandLine().getErr();
    String line = switch (s.state()) {
      case "running" -> String.format(Locale.ROOT, "%s: packaging %.0f%%", id, s.progress());
      case "failed" -> id + ": failed: " + s.error().orElse("").lines().findFirst().orElse("");
      default -> id + ": " + s.state();
    };
    (json ? err : Output.of(spec)).println(line);
    (json ? err : Output.of(spec)).flush();
  }

  @FunctionalInterface
  private interface StatusSource {
    PackageStatus status(String id) throws Exception;
  }

  // ---- a running server ----

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** The configured server's base URL when a Kanal answers there. */
  private Optional<URI> runningServer(KanalConfig config) {
    String host = config.server().host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.isBlank()) {
      host = "127.0.0.1";
    }
    URI base = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.server().port());
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/health")).timeout(Duration.ofSeconds(2))
          .build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && "ok".equals(new JsonObject(r.body()).getString("status"))) {
        return Optional.of(base);
      }
    } catch (Exception e) {
      // nothing there (or not Kanal): run here
    }
    return Optional.empty();
  }

  private Map<String, PackageStatus> viaServer(URI base) throws Exception {
    List<String> targets = all ? serverPackageable(base) : ids;
    Map<String, PackageStatus> status = new LinkedHashMap<>();
    for (String id : targets) {
      HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/api/videos/" + id + "/package"))
          .POST(HttpRequest.BodyPublishers.noBody()));
      JsonObject body = new JsonObject(r.body());
      if (r.statusCode() == 404 && !all) {
        throw new CommandException("no video with id '" + id + "' on the server at " + base + " (see 'kanal library list')",
            1, null);
      }
      PackageStatus s = r.statusCode() == 202 ? fromJson(body)
          : new PackageStatus(id, "failed", 0, Optional.ofNullable(body.getString("error")));
      status.put(id, s);
    }
    if (!waitForJobs) {
      status.forEach(this::progress);
      return status;
    }
    return await(status, id -> {
      HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/api/videos/" + id + "/package")).GET());
      return r.statusCode() == 200 ? fromJson(new JsonObject(r.body()))
          : new PackageStatus(id, "failed", 0, Optional.of("the server answered " + r.statusCode()));
    });
  }

  private List<String> serverPackageable(URI base) throws Exception {
    List<String> out = new ArrayList<>();
    for (int offset = 0; ; offset += 500) {
      JsonObject page = new JsonObject(send(HttpRequest.newBuilder(
          base.resolve("/api/videos?status=ok&limit=500&offset=" + offset)).GET()).body());
      JsonArray items = page.getJsonArray("items");
      items.forEach(o -> out.add(((JsonObject) o).getString("id")));
      if (items.size() < 500) {
        return out;
      }
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    // A server that requires logins (issue #13) takes an admin's API token from KANAL_TOKEN.
    String token = System.getenv("KANAL_TOKEN");
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token.strip());
    }
    HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      throw new CommandException("the server requires an admin's login: set KANAL_TOKEN to an API token of an admin"
          + " ('kanal user token NAME --api')");
    }
    return r;
  }

  private static PackageStatus fromJson(JsonObject o) {
    return new PackageStatus(o.getString("videoId"), o.getString("state"), o.getDouble("progress", 0.0),
        Optional.ofNullable(o.getString("error")));
  }

  private static JsonObject statusJson(PackageStatus s) {
    JsonObject o = new JsonObject().put("videoId", s.videoId()).put("state", s.state()).put("progress", s.progress());
    s.error().ifPresent(e -> o.put("error", e));
    return o;
  }
}
