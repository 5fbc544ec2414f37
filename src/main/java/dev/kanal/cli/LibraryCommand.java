package dev.kanal.cli;

import dev.kanal.config.KanalConfig;
import dev.kanal.library.Library;
import dev.kanal.library.ScanReport;
import dev.kanal.library.Video;
import dev.kanal.server.VideoJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kanal library scan|list|info|package}: the video library from the command line. */
@Command(name = "library", mixinStandardHelpOptions = true,
    description = "Video library: scan folders, list and inspect videos, package them for HLS.",
    subcommands = {LibraryCommand.Scan.class, LibraryCommand.ListVideos.class, LibraryCommand.Info.class,
        PackageCommand.class})
final class LibraryCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: scan, list, info or package");
  }

  /** Opens the library of the loaded config; the caller closes it. */
  static LibrarySetup.Parts open(ConfigOptions options, boolean needFolders) throws Exception {
    KanalConfig config = options.load(System.getenv());
    DataDir.prepare(config.storage().dataDir());
    if (needFolders && config.library().folders().isEmpty()) {
      throw new CommandException("no video folders: give one with --media DIR or set library.folders in the config",
          KanalCli.EXIT_USAGE, null);
    }
    return LibrarySetup.open(config, needFolders);
  }

  private static CommandException databaseError(SQLException e) {
    return new CommandException("the library database cannot be read: " + e.getMessage(), 1, e);
  }

  @Command(name = "scan", mixinStandardHelpOptions = true,
      description = {"Scan the video folders: catalogue new, changed, moved and removed files and probe them with ffprobe.",
          "Exit code: 0 scanned (broken files are listed, not errors), 1 a folder could not be read, 2 no folders."})
  static final class Scan implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--json", description = "Print the scan report as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try (LibrarySetup.Parts parts = open(configOptions, true)) {
        Library library = parts.library();
        ScanReport r;
        Library.Page broken;
        try {
          r = library.scan();
          broken = library.list("", Video.Status.BROKEN, Library.Sort.TITLE, false, 0, 1000);
        } catch (SQLException e) {
          throw databaseError(e);
        }
        PrintWriter out = Output.of(spec);
        if (json) {
          JsonArray brokenJson = new JsonArray();
          broken.items().forEach(v -> brokenJson.add(new JsonObject().put("id", v.id()).put("fileName", v.fileName())
              .put("collection", v.collection()).put("reason", v.reason())));
          out.println(new JsonObject()
              .put("folders", library.roots().size()).put("files", r.files()).put("added", r.added())
              .put("changed", r.changed()).put("moved", r.moved()).put("removed", r.removed())
              .put("unchanged", r.unchanged()).put("probed", r.probed()).put("broken", broken.total())
              .put("brokenFiles", brokenJson).put("skipped", new JsonArray(r.skipped()))
              .put("problems", new JsonArray(r.problems())).put("seconds", r.elapsed().toMillis() / 1000.0)
              .encodePrettily());
        } else {
          out.printf(Locale.ROOT, "Scanned %d folder%s in %.1f s: %d video file%s%n", library.roots().size(),
              library.roots().size() == 1 ? "" : "s", r.elapsed().toMillis() / 1000.0, r.files(), r.files() == 1 ? "" : "s");
          out.printf(Locale.ROOT, "  added %d, changed %d, moved %d, removed %d, unchanged %d%n", r.added(), r.changed(),
              r.moved(), r.removed(), r.unchanged());
          out.printf(Locale.ROOT, "  probed %d; %d broken in the library%n", r.probed(), broken.total());
          for (Video v : broken.items()) {
            out.println("  broken: " + (v.collection().isEmpty() ? "" : v.collection() + "/") + v.fileName() + ": " + v.reason());
          }
          r.skipped().forEach(s -> out.println("  skipped: " + s));
        }
        out.flush();
        if (!r.problems().isEmpty()) {
          throw new CommandException(String.join("; ", r.problems()), 1, null);
        }
        return 0;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List catalogued videos (run 'kanal library scan' first).")
  static final class ListVideos implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Option(names = {"-q", "--query"}, paramLabel = "TEXT", description = "Only videos whose title or file name contains TEXT.")
    String query = "";

    @Option(names = "--sort", paramLabel = "KEY", description = "title, added, duration or size (default: ${DEFAULT-VALUE}).")
    Library.Sort sort = Library.Sort.TITLE;

    @Option(names = "--desc", description = "Sort in descending order.")
    boolean descending;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only ok, broken or pending videos.")
    Video.Status status;

    @Option(names = "--limit", paramLabel = "N", description = "At most N videos (default: ${DEFAULT-VALUE}).")
    int limit = 100;

    @Option(names = "--offset", paramLabel = "N", description = "Skip the first N videos.")
    int offset;

    @Option(names = "--json", description = "Print the same JSON as GET /api/videos.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (limit < 1 || limit > 100_000 || offset < 0) {
        throw new CommandException("--limit must be 1 to 100000 and --offset at least 0", KanalCli.EXIT_USAGE, null);
      }
      try (LibrarySetup.Parts parts = open(configOptions, false)) {
        Library.Page page;
        try {
          page = parts.library().list(query, status, sort, descending, offset, limit);
        } catch (SQLException e) {
          throw databaseError(e);
        }
        PrintWriter out = Output.of(spec);
        if (json) {
          JsonArray items = new JsonArray();
          page.items().forEach(v -> items.add(VideoJson.summary(v)));
          out.println(new JsonObject().put("items", items).put("total", page.total()).encodePrettily());
        } else {
          out.printf(Locale.ROOT, "%-18s %-9s %-10s %10s %-8s %s%n", "ID", "DURATION", "SIZE", "BYTES", "STATUS", "TITLE");
          for (Video v : page.items()) {
            String res = v.info() == null ? "" : v.info().video()
                .map(s -> s.width() == null ? "" : s.width() + "x" + s.height()).orElse("audio");
            out.printf(Locale.ROOT, "%-18s %-9s %-10s %10d %-8s %s%n", v.id(), duration(v.duration()), res, v.size(),
                v.status().json(), v.title());
          }
          out.printf(Locale.ROOT, "%d of %d video%s%n", page.items().size(), page.total(), page.total() == 1 ? "" : "s");
        }
        out.flush();
        return 0;
      }
    }
  }

  @Command(name = "info", mixinStandardHelpOptions = true, description = "Show everything known about one video.")
  static final class Info implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Parameters(index = "0", paramLabel = "ID", description = "The video id (from 'kanal library list').")
    String id;

    @Option(names = "--json", description = "Print the same JSON as GET /api/videos/{id}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try (LibrarySetup.Parts parts = open(configOptions, false)) {
        Optional<Video> found;
        try {
          found = parts.library().get(id);
        } catch (SQLException e) {
          throw databaseError(e);
        }
        Video v = found.orElseThrow(() -> new CommandException("no video with id '" + id
            + "' in the configured folders (see 'kanal library list')", 1, null));
        JsonObject details = VideoJson.details(v);
        PrintWriter out = Output.of(spec);
        if (json) {
          out.println(details.encodePrettily());
        } else {
          out.println(v.title());
          out.println("  id          " + v.id());
          out.println("  file        " + (v.collection().isEmpty() ? "" : v.collection() + "/") + v.fileName());
          out.println("  size        " + v.size() + " bytes");
          out.println("  status      " + v.status().json() + (v.reason() == null ? "" : ": " + v.reason()));
          if (v.info() != null) {
            out.println("  duration    " + duration(v.duration()));
            out.println("  container   " + v.info().container());
            for (var s : v.info().streams()) {
              StringBuilder line = new StringBuilder("  stream " + s.index() + "    " + s.type() + " " + s.codec());
              if (s.profile() != null) {
                line.append(" (").append(s.profile()).append(')');
              }
              if (s.width() != null) {
                line.append(' ').append(s.width()).append('x').append(s.height());
              }
              if (s.frameRate() != null) {
                line.append(' ').append(s.frameRate()).append(" fps");
              }
              if (s.hdr() != null) {
                line.append(' ').append(s.hdr());
              }
              if (s.channels() != null) {
                line.append(' ').append(s.channels()).append(" ch");
              }
              if (s.language() != null) {
                line.append(" [").append(s.language()).append(']');
              }
              out.println(line);
            }
            if (!v.info().chapters().isEmpty()) {
              out.println("  chapters    " + v.info().chapters().size());
            }
          }
          out.println("  play        " + details.getJsonObject("playback").getJsonObject("file").getString("url"));
        }
        out.flush();
        return 0;
      }
    }
  }

  static String duration(Double seconds) {
    if (seconds == null) {
      return "-";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
