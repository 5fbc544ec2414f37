package dev.kanal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kanal.config.KanalConfig;
import dev.kanal.iptv.Epg;
import dev.kanal.iptv.EpgProgramme;
import dev.kanal.iptv.EpgSources;
import dev.kanal.iptv.XmltvChannel;
import dev.kanal.iptv.XmltvParser;
import dev.kanal.net.HttpFetcher;
import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.playlist.Playlist;
import dev.kanal.playlist.PlaylistParseException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kanal epg now}: the programme guide (XMLTV) from the playlists' {@code x-tvg-url} or {@code --epg}. */
@Command(name = "epg", mixinStandardHelpOptions = true,
    description = "Programme guide (XMLTV): fetch and show what is on.",
    subcommands = {EpgCommand.Now.class})
final class EpgCommand implements Runnable {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: now");
  }

  /** One channel to show: its playlist id and name, and its guide channel if it has one. */
  record Row(String channelId, String name, Optional<String> guideId) {}

  @Command(name = "now", mixinStandardHelpOptions = true,
      description = {"Show what is on now and next, per channel of the playlists (or of the guides when no playlist is given).",
          "Guides: the playlists' x-tvg-url/url-tvg, iptv.epg in the config and every --epg; plain or gzipped XMLTV.",
          "Exit code: 0 shown, 1 no guide could be loaded or no channel matches, 2 usage."})
  static final class Now implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--epg", paramLabel = "URL|FILE", description = "An XMLTV guide (plain or .gz); repeat for several.")
    List<String> guides;

    @Option(names = "--channel", paramLabel = "NAME", description = "Only channels whose name contains NAME, or whose id is NAME.")
    String channel;

    @Option(names = "--json", description = "Print [{channelId, name, guideId, now, next}] (docs/API.md).")
    boolean json;

    @Option(names = "--at", paramLabel = "TIME", hidden = true, description = "Pretend it is TIME (ISO-8601, e.g. 2026-11-21T12:00:00Z).")
    String at;

    @Override
    public Integer call() throws Exception {
      Instant now = now();
      KanalConfig config = configOptions.load(System.getenv());
      List<IptvPlaylist> playlists = playlists(config);
      Set<String> sources = new LinkedHashSet<>();
      playlists.forEach(p -> sources.addAll(p.guideUrls()));
      sources.addAll(config.iptv().epg());
      if (guides != null) {
        sources.addAll(guides);
      }
      if (sources.isEmpty()) {
        throw new CommandException("no programme guide: give one with --epg URL|FILE, iptv.epg in the config, or a --playlist whose header has x-tvg-url",
            KanalCli.EXIT_USAGE, null);
      }
      EpgSources.Loaded loaded = EpgSources.load(new ArrayList<>(sources), XmltvParser.around(now),
          HttpFetcher.create(Duration.ofSeconds(10), Duration.ofSeconds(120)), EpgSources.DEFAULT_MAX_DOWNLOAD_BYTES);
      PrintWriter err = spec.commandLine().getErr();
      if (loaded.stats().isEmpty()) {
        throw new CommandException(loaded.failures().getFirst().message(), 1, null);
      }
      loaded.failures().forEach(f -> err.println("kanal: warning: guide skipped: " + f.message()));
      Epg epg = loaded.epg();
      List<Row> rows = filter(rows(playlists, epg));
      PrintWriter out = Output.of(spec);
      if (json) {
        ArrayNode array = JSON.createArrayNode();
        for (Row row : rows) {
          ObjectNode o = array.addObject();
          o.put("channelId", row.channelId());
          o.put("name", row.name());
          o.put("guideId", row.guideId().orElse(null));
          Epg.NowNext nn = row.guideId().map(id -> epg.nowNext(id, now)).orElse(new Epg.NowNext(Optional.empty(), Optional.empty()));
          o.set("now", nn.now().map(EpgCommand::programme).orElse(null));
          o.set("next", nn.next().map(EpgCommand::programme).orElse(null));
        }
        out.println(JSON.writeValueAsString(array));
      } else {
        int width = rows.stream().mapToInt(r -> r.name().length()).max().orElse(10);
        for (Row row : rows) {
          Epg.NowNext nn = row.guideId().map(id -> epg.nowNext(id, now)).orElse(new Epg.NowNext(Optional.empty(), Optional.empty()));
          String name = String.format(Locale.ROOT, "%-" + width + "s", row.name());
          if (row.guideId().isEmpty()) {
            out.println(name + "  (not in the guide)");
            continue;
          }
          out.println(name + "  now   " + nn.now().map(EpgCommand::line).orElse("-"));
          out.println(" ".repeat(width) + "  next  " + nn.next().map(EpgCommand::line).orElse("-"));
        }
      }
      out.flush();
      return 0;
    }

    private Instant now() throws CommandException {
      if (at == null) {
        return Instant.now();
      }
      try {
        return Instant.parse(at);
      } catch (DateTimeParseException e) {
        throw new CommandException("--at: not an ISO-8601 instant: " + at, KanalCli.EXIT_USAGE, e);
      }
    }

    private static List<IptvPlaylist> playlists(KanalConfig config) throws CommandException {
      List<IptvPlaylist> playlists = new ArrayList<>();
      for (KanalConfig.SourceConfig source : config.iptv().sources()) {
        if (!source.enabled()) {
          continue;
        }
        Playlist p;
        try {
          p = PlaylistSource.read(source.url(), source.headers(), ParseOptions.DEFAULTS, System.in);
        } catch (PlaylistParseException e) {
          throw new CommandException(source.url() + ": " + e.getMessage(), 1, e);
        } catch (CommandException e) {
          throw new CommandException(e.getMessage(), 1, e);
        }
        if (p instanceof IptvPlaylist iptv) {
          playlists.add(iptv);
        }
      }
      return playlists;
    }

    private static List<Row> rows(List<IptvPlaylist> playlists, Epg epg) {
      List<Row> rows = new ArrayList<>();
      if (playlists.isEmpty()) {
        for (XmltvChannel c : epg.channels()) {
          rows.add(new Row(c.id(), c.name(), Optional.of(c.id())));
        }
        return rows;
      }
      Set<String> seen = new HashSet<>();
      for (IptvPlaylist p : playlists) {
        for (IptvPlaylist.Entry e : p.entries()) {
          String tvgId = e.attribute("tvg-id").orElse("").strip();
          String id = tvgId.isEmpty() ? e.name() : tvgId;
          if (seen.add(id.toLowerCase(Locale.ROOT))) {
            rows.add(new Row(id, e.name(), epg.match(tvgId, e.name())));
          }
        }
      }
      return rows;
    }

    private List<Row> filter(List<Row> rows) throws CommandException {
      if (channel == null || channel.isBlank()) {
        return rows;
      }
      String key = Epg.nameKey(channel);
      List<Row> matching = rows.stream().filter(r -> r.channelId().equalsIgnoreCase(channel.strip())
          || (!key.isEmpty() && Epg.nameKey(r.name()).contains(key))).toList();
      if (matching.isEmpty()) {
        throw new CommandException("no channel matches '" + channel + "'", 1, null);
      }
      return matching;
    }
  }

  private static ObjectNode programme(EpgProgramme p) {
    ObjectNode o = JSON.createObjectNode();
    o.put("title", p.title());
    o.put("subTitle", p.subTitle().orElse(null));
    o.put("start", p.start().toString());
    o.put("stop", p.stop().map(Instant::toString).orElse(null));
    o.put("description", p.description().orElse(null));
    ArrayNode categories = o.putArray("categories");
    p.categories().forEach(categories::add);
    return o;
  }

  private static String line(EpgProgramme p) {
    ZoneId zone = ZoneId.systemDefault();
    return CLOCK.format(p.start().atZone(zone)) + "-" + p.stop().map(s -> CLOCK.format(s.atZone(zone))).orElse("?")
        + "  " + p.title() + p.subTitle().map(s -> ": " + s).orElse("");
  }
}
