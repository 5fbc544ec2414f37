package dev.kanal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kanal.config.Durations;
import dev.kanal.config.KanalConfig;
import dev.kanal.iptv.Channel;
import dev.kanal.iptv.ChannelCatalog;
import dev.kanal.iptv.ChannelSource;
import dev.kanal.iptv.CheckOptions;
import dev.kanal.iptv.CheckResult;
import dev.kanal.iptv.CheckStatus;
import dev.kanal.iptv.CheckTarget;
import dev.kanal.iptv.HealthChecker;
import dev.kanal.iptv.HealthHistory;
import dev.kanal.media.FfmpegLocator;
import dev.kanal.store.Database;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kanal channels check}: checks every source of the catalog (built from the configured
 * playlists or those given with {@code --playlist}, like {@code channels list}) and prints a summary
 * table, or the JSON of docs/API.md; results go to the check history in the data folder, where
 * {@code channels list|search}, {@code play} and {@code record} read each source's last status.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Check whether channels' streams work: HTTP with each channel's headers (for HLS: the playlist and "
        + "the first segment of the lowest variant), optionally ffprobe.",
        "Statuses: alive, dead, geo-blocked, timeout, invalid, unknown.",
        "Exit code: 0 checked (whatever the verdicts), 1 a playlist could not be read, 2 usage."})
public final class ChannelsCheckCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOptions configOptions = new ConfigOptions();

  @Option(names = "--probe", description = "Also run ffprobe on streams that pass the HTTP check (slower; needs ffprobe).")
  boolean probe;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "32", description = "Checks at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--timeout", paramLabel = "S", defaultValue = "10s",
      description = "Deadline of one check, bodies included, e.g. 10 or 2.5s (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--throttle", paramLabel = "DURATION", defaultValue = "0s",
      description = "Minimum interval between two checks of one host (default: none).")
  String throttle;

  @Option(names = "--deadline", paramLabel = "DURATION",
      description = "Deadline of the whole run; sources not checked by then are 'unknown' (default: none).")
  String deadline;

  @Option(names = "--json", description = "Print [{channelId, name, url, status, httpStatus, latencyMs, detail}] (docs/API.md).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    CheckOptions options = options();
    KanalConfig config = configOptions.load(System.getenv());
    if (config.iptv().sources().stream().noneMatch(KanalConfig.SourceConfig::enabled)) {
      throw new CommandException("no playlists to check: give one with --playlist URL|FILE or set iptv.sources in the config",
          KanalCli.EXIT_USAGE, null);
    }
    ChannelCatalog catalog = ChannelsCommand.load(spec, configOptions);
    List<CheckTarget> targets = targets(catalog);
    if (probe) {
      DataDir.prepare(config.storage().dataDir());
      options = options.withFfprobe(FfmpegLocator.locate(config.ffmpeg(), config.storage().dataDir(), System.getenv("PATH")).ffprobe());
    }
    PrintWriter err = spec.commandLine().getErr();
    boolean progress = !json && Terminal.isInteractive();
    long start = System.nanoTime();
    List<CheckResult> results;
    try (HealthChecker checker = HealthChecker.create(options)) {
      results = checker.checkAll(targets, (r, done, total) -> {
        if (progress && (done == total || done % 10 == 0)) {
          err.printf(Locale.ROOT, "\rchecking %d/%d [%-30s]", done, total, "#".repeat(30 * done / Math.max(1, total)));
          if (done == total) {
            err.println();
          }
          err.flush();
        }
      });
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    record(config, results, err);
    PrintWriter out = Output.of(spec);
    if (json) {
      out.println(JSON.writeValueAsString(json(results)));
    } else {
      table(out, results, elapsed);
    }
    out.flush();
    return 0;
  }

  private CheckOptions options() throws CommandException {
    if (concurrency < 1 || concurrency > 1024) {
      throw new CommandException("--concurrency must be between 1 and 1024, was " + concurrency, KanalCli.EXIT_USAGE, null);
    }
    CheckOptions options = CheckOptions.DEFAULTS.withConcurrency(concurrency)
        .withTimeout(positive("--timeout", timeout)).withHostInterval(duration("--throttle", throttle));
    return deadline == null ? options : options.withTotalDeadline(positive("--deadline", deadline));
  }

  private static Duration positive(String flag, String text) throws CommandException {
    Duration d = duration(flag, text);
    if (d.isZero() || d.isNegative()) {
      throw new CommandException(flag + " must be more than 0, was " + text, KanalCli.EXIT_USAGE, null);
    }
    return d;
  }

  private static Duration duration(String flag, String text) throws CommandException {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandException(flag + ": " + e.getMessage(), KanalCli.EXIT_USAGE, e);
    }
  }

  /**
   * One target per distinct stream URL of the catalog (built by {@code iptv.CatalogService} from the
   * config's sources or {@code --playlist}, as {@code channels list} sees it), with the source's headers.
   */
  private List<CheckTarget> targets(ChannelCatalog catalog) {
    List<CheckTarget> targets = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Channel c : catalog.channels()) {
      for (ChannelSource s : c.sources()) {
        if (seen.add(s.url())) {
          targets.add(new CheckTarget(c.id(), c.name(), s.url(), s.headers()));
        }
      }
    }
    return targets;
  }

  /** Appends to the check history; a store that cannot be opened costs a warning, not the results. */
  private static void record(KanalConfig config, List<CheckResult> results, PrintWriter err) {
    try {
      DataDir.prepare(config.storage().dataDir());
      try (Database db = Database.open(config.storage().dataDir().resolve(LibrarySetup.DATABASE))) {
        HealthHistory.open(db).record(results);
      }
    } catch (Exception e) {
      err.println("kanal: warning: the check history was not saved: " + e.getMessage());
    }
  }

  static ArrayNode json(List<CheckResult> results) {
    ArrayNode array = JSON.createArrayNode();
    for (CheckResult r : results) {
      ObjectNode o = array.addObject();
      o.put("channelId", r.channelId());
      o.put("name", r.name());
      o.put("url", r.url());
      o.put("status", r.status().text());
      if (r.httpStatus().isPresent()) {
        o.put("httpStatus", r.httpStatus().getAsInt());
      } else {
        o.putNull("httpStatus");
      }
      o.put("latencyMs", r.latencyMs());
      o.put("detail", r.detail());
    }
    return array;
  }

  private static void table(PrintWriter out, List<CheckResult> results, Duration elapsed) {
    int[] counts = HealthChecker.countByStatus(results);
    out.printf(Locale.ROOT, "Checked %d source%s in %.1f s%n", results.size(), results.size() == 1 ? "" : "s",
        elapsed.toMillis() / 1000.0);
    out.println();
    out.printf(Locale.ROOT, "  %-12s %6s%n", "STATUS", "COUNT");
    for (CheckStatus s : CheckStatus.values()) {
      out.printf(Locale.ROOT, "  %-12s %6d%n", s.text(), counts[s.ordinal()]);
    }
    out.println();
    for (CheckResult r : results) {
      out.printf(Locale.ROOT, "  %-12s %4s %6d ms  %s  %s  (%s)%n", r.status().text(),
          r.httpStatus().isPresent() ? Integer.toString(r.httpStatus().getAsInt()) : "-", r.latencyMs(), r.name(),
          r.url(), r.detail());
    }
  }
}
