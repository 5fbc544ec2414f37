package dev.kanal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kanal.config.ConfigOverride;
import dev.kanal.config.Durations;
import dev.kanal.config.KanalConfig;
import dev.kanal.discovery.DiscoveryScan;
import dev.kanal.discovery.Neighbour;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kanal discover}: lists Kanal servers, HDHomeRun tuners, UPnP media servers and streams on the LAN. */
@Command(name = "discover", mixinStandardHelpOptions = true,
    description = {"Find Kanal servers, HDHomeRun tuners and emulators, UPnP media servers and DNS-SD streams",
        "(_rtsp._tcp, _hls._tcp, _http._tcp with video/res/fps in TXT) on the LAN, over mDNS and SSDP."})
final class DiscoverCommand implements Callable<Integer> {

  static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ConfigOptions configOptions;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "3s",
      description = "How long to listen for answers (default: ${DEFAULT-VALUE}; at most 60s).")
  String timeout;

  @Option(names = "--interface", paramLabel = "NAME|ADDR",
      description = "Interface to search on, by name or IPv4 address; repeat for several, 'all' includes loopback"
          + " (discovery.interfaces; default: every LAN interface).")
  List<String> interfaces;

  @Option(names = "--json", description = "Print JSON: {\"items\": [...]}, as GET /api/discovery.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Duration listen = parseTimeout(timeout);
    List<ConfigOverride> flags = new ArrayList<>();
    if (interfaces != null) {
      flags.add(new ConfigOverride("discovery.interfaces", interfaces, "--interface"));
    }
    KanalConfig config = configOptions.load(System.getenv(), flags);
    List<Neighbour> found;
    try {
      found = DiscoveryScan.scan(config.discovery(), listen, Version.current());
    } catch (DiscoveryScan.ScanException e) {
      throw new CommandException(e.getMessage(), 1, e);
    }
    PrintWriter out = Output.of(spec);
    if (json) {
      List<Map<String, Object>> items = found.stream().map(Neighbour::toMap).toList();
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(Map.of("items", items)));
      return 0;
    }
    if (found.isEmpty()) {
      out.println("Nothing answered within " + Durations.format(listen) + ".");
      return 0;
    }
    out.printf("%-10s %-28s %-40s %s%n", "KIND", "NAME", "URL", "DETAILS");
    for (Neighbour n : found) {
      String details = (n.version().map(v -> "version=" + v + " ").orElse("")
          + n.attributes().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining(" ")) + " via=" + String.join(",", n.via())).strip();
      out.printf("%-10s %-28s %-40s %s%n", n.kind(), n.name(), n.url(), details);
    }
    return 0;
  }

  static Duration parseTimeout(String text) throws CommandException {
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandException("--timeout: " + e.getMessage(), KanalCli.EXIT_USAGE, e);
    }
    if (d.isZero() || d.isNegative() || d.compareTo(MAX_TIMEOUT) > 0) {
      throw new CommandException("--timeout must be more than 0 and at most 60s, was " + text, KanalCli.EXIT_USAGE, null);
    }
    return d;
  }
}
