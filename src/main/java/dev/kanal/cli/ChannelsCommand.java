package dev.kanal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kanal.config.KanalConfig;
import dev.kanal.iptv.CatalogDiff;
import dev.kanal.iptv.CatalogService;
import dev.kanal.iptv.Channel;
import dev.kanal.iptv.ChannelCatalog;
import dev.kanal.iptv.ChannelJson;
import dev.kanal.iptv.CheckStatus;
import dev.kanal.iptv.HealthHistory;
import dev.kanal.store.Database;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kanal channels list|search|refresh|check}: the live TV catalog from the command line.
 */
@Command(name = "channels", mixinStandardHelpOptions = true,
    description = "Live TV catalog: list, search, refresh and check channels.",
    subcommands = {
        ChannelsCommand.ListChannels.class,
        ChannelsCommand.Search.class,
        ChannelsCommand.Refresh.class,
        ChannelsCheckCommand.class,
    })
final class ChannelsCommand implements Runnable {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: list, search or refresh");
  }

  /** The loaded config and the catalog service over it. */
  record Setup(KanalConfig config, CatalogService service) {}

  /** Loads the config and checks there is something to read; exit 2 without sources. */
  static Setup setup(ConfigOptions options) throws Exception {
    KanalConfig config = options.load(System.getenv());
    if (config.iptv().sources().stream().noneMatch(KanalConfig.SourceConfig::enabled)) {
      throw new CommandException("no playlists: give one with --playlist URL|FILE or set iptv.sources in the config",
          KanalCli.EXIT_USAGE, null);
    }
    DataDir.prepare(config.storage().dataDir());
    return new Setup(config, CatalogService.create(config.iptv(), config.storage().dataDir()));
  }

  /** Prints warnings, fails (exit 1) when a source gave nothing, and returns the catalog. */
  static ChannelCatalog check(CommandSpec spec, CatalogService.Load load) throws CommandException {
    PrintWriter err = spec.commandLine().getErr();
    load.warnings().forEach(w -> err.println("kanal: warning: " + w));
    if (!load.errors().isEmpty()) {
      throw new CommandException(load.errors().get(0), 1, null);
    }
    return load.catalog();
  }

  /**
   * Loads the catalog (cached copies younger than iptv.refreshInterval are used as they are) with each
   * source's last known health from the check history, so sources are ordered by health.
   */
  static ChannelCatalog load(CommandSpec spec, ConfigOptions options) throws Exception {
    Setup setup = setup(options);
    ChannelCatalog catalog;
    try {
      catalog = check(spec, setup.service().load());
    } catch (IllegalArgumentException e) {
      throw new CommandException(e.getMessage(), KanalCli.EXIT_USAGE, e);
    }
    applyHealth(setup.config(), catalog, spec.commandLine().getErr());
    return catalog;
  }

  /**
   * Gives each source its newest check from {@code iptv_checks} in {@code dataDir/kanal.db}; without
   * a database nothing was ever checked (none is created). An unreadable history costs a warning.
   */
  static void applyHealth(KanalConfig config, ChannelCatalog catalog, PrintWriter err) {
    Path file = config.storage().dataDir().resolve(LibrarySetup.DATABASE);
    if (!Files.isRegularFile(file)) {
      return;
    }
    try (Database db = Database.open(file)) {
      catalog.updateHealth(HealthHistory.open(db).latest(catalog.urls()));
    } catch (Exception e) {
      err.println("kanal: warning: the check history could not be read: " + e.getMessage());
    }
  }

  /** The group as the catalog spells it; exit 2 naming some groups when there is none such. */
  static Optional<String> group(ChannelCatalog catalog, String group) throws CommandException {
    if (group == null) {
      return Optional.empty();
    }
    Optional<String> found = catalog.findGroup(group);
    if (found.isEmpty()) {
      List<String> groups = catalog.groups();
      String known = String.join(", ", groups.subList(0, Math.min(groups.size(), 12))) + (groups.size() > 12 ? ", ..." : "");
      throw new CommandException("unknown group '" + group + "' (groups: " + known + ")", KanalCli.EXIT_USAGE, null);
    }
    return found;
  }

  static void print(PrintWriter out, List<Channel> channels, boolean json) throws Exception {
    if (json) {
      out.println(JSON.writeValueAsString(ChannelJson.channels(channels)));
      return;
    }
    for (Channel c : channels) {
      out.println(String.format("%6s  %s  [%s]  %s  %d source%s  %s", c.number().orElse("-"), c.name(), c.group(), c.id(),
          c.sources().size(), c.sources().size() == 1 ? "" : "s", c.status().text()));
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"List the channels of every playlist source, merged, grouped and numbered.",
          "Exit code: 0 listed, 1 a source cannot be read and has no cached copy, 2 usage (no sources, unknown group)."})
  static final class ListChannels implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--group", paramLabel = "GROUP", description = "Only this group's channels.")
    String group;

    @Option(names = "--alive", description = "Only channels with a source the health check found alive.")
    boolean alive;

    @Option(names = "--json", description = "Print the documented JSON array of channels (docs/API.md).")
    boolean json;

    @Override
    public Integer call() throws Exception {
      ChannelCatalog catalog = load(spec, configOptions);
      Optional<String> g = group(catalog, group);
      List<Channel> channels = g.map(catalog::channels).orElse(catalog.channels());
      if (alive) {
        channels = channels.stream().filter(c -> c.status() == CheckStatus.ALIVE).toList();
      }
      print(Output.of(spec), channels, json);
      return 0;
    }
  }

  @Command(name = "search", mixinStandardHelpOptions = true,
      description = {"Search channels by name in any script: case-, width- and accent-insensitive, word prefixes,",
          "small typos, substrings for Chinese/Japanese/Korean. Best matches first.",
          "Exit code: 0 searched (also with no match), 1 a source cannot be read, 2 usage."})
  static final class Search implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Parameters(index = "0", paramLabel = "QUERY", description = "What to look for, e.g. 'bbc one' or '新闻'.")
    String query;

    @Option(names = "--group", paramLabel = "GROUP", description = "Only this group's channels.")
    String group;

    @Option(names = "--json", description = "Print the documented JSON array of channels (docs/API.md).")
    boolean json;

    @Override
    public Integer call() throws Exception {
      ChannelCatalog catalog = load(spec, configOptions);
      print(Output.of(spec), catalog.search(query, group(catalog, group)), json);
      return 0;
    }
  }

  @Command(name = "refresh", mixinStandardHelpOptions = true,
      description = {"Fetch every playlist source now (conditionally) and print the channels added, removed and",
          "changed since the last refresh (the first refresh lists every channel as added).",
          "Exit code: 0 refreshed, 1 a source cannot be read and has no cached copy, 2 usage."})
  static final class Refresh implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--json", description = "Print {added[], removed[], changed[], channels, warnings[]}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Setup setup = setup(configOptions);
      CatalogService.Refresh refresh;
      try {
        refresh = setup.service().refresh();
      } catch (IllegalArgumentException e) {
        throw new CommandException(e.getMessage(), KanalCli.EXIT_USAGE, e);
      }
      ChannelCatalog catalog = check(spec, refresh.load());
      CatalogDiff diff = refresh.diff();
      PrintWriter out = Output.of(spec);
      if (json) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("added", diff.added().stream().map(i -> item(i, List.of())).toList());
        root.put("removed", diff.removed().stream().map(i -> item(i, List.of())).toList());
        root.put("changed", diff.changed().stream().map(c -> item(c.after(), c.changes())).toList());
        root.put("channels", catalog.channels().size());
        root.put("previousRefresh", refresh.previousAt().map(Object::toString).orElse(null));
        root.put("warnings", refresh.load().warnings());
        out.println(JSON.writeValueAsString(root));
        return 0;
      }
      diff.added().forEach(i -> out.println("+ " + i.id() + "  " + i.name() + "  [" + i.group() + "]"));
      diff.removed().forEach(i -> out.println("- " + i.id() + "  " + i.name() + "  [" + i.group() + "]"));
      diff.changed().forEach(c -> out.println("~ " + c.after().id() + "  " + c.after().name() + ": "
          + String.join("; ", c.changes())));
      out.println(diff.added().size() + " added, " + diff.removed().size() + " removed, " + diff.changed().size()
          + " changed; " + catalog.channels().size() + " channels from " + refresh.load().results().size() + " source"
          + (refresh.load().results().size() == 1 ? "" : "s")
          + refresh.previousAt().map(t -> " (previous refresh " + t + ")").orElse(" (first refresh)"));
      return 0;
    }

    private static Map<String, Object> item(CatalogDiff.Item i, List<String> changes) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", i.id());
      m.put("name", i.name());
      m.put("group", i.group());
      if (!changes.isEmpty()) {
        m.put("changes", new ArrayList<>(changes));
      }
      return m;
    }
  }
}
