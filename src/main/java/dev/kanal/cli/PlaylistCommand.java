package dev.kanal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.playlist.ParseWarning;
import dev.kanal.playlist.Playlist;
import dev.kanal.playlist.PlaylistParseException;
import dev.kanal.playlist.PlaylistValidator;
import dev.kanal.playlist.ValidationIssue;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kanal playlist inspect|validate}: read any IPTV or HLS playlist, from a file or a URL. */
@Command(name = "playlist", mixinStandardHelpOptions = true,
    description = "Inspect and validate IPTV (M3U) and HLS playlists, from a file, a URL or '-' (stdin).",
    subcommands = {PlaylistCommand.Inspect.class, PlaylistCommand.Validate.class})
final class PlaylistCommand implements Runnable {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** How many entries or segments the text output lists before it summarises. */
  private static final int TEXT_LIMIT = 20;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: inspect or validate");
  }

  /** Options shared by inspect and validate. */
  static final class Input {
    @Parameters(index = "0", paramLabel = "FILE|URL", description = "A playlist file, an http(s) URL, or - for stdin.")
    String input;

    @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'",
        description = "An HTTP header for URLs (repeatable), e.g. -H 'Referer: https://example.org/'.")
    List<String> headers;

    @Option(names = "--max-size", paramLabel = "SIZE", defaultValue = "256MB",
        description = "Refuse inputs larger than this (default: ${DEFAULT-VALUE}).")
    String maxSize;

    ParseOptions options(boolean strict) throws CommandException {
      try {
        return ParseOptions.DEFAULTS.withStrict(strict).withMaxBytes(dev.kanal.config.ByteSize.parse(maxSize).bytes());
      } catch (IllegalArgumentException e) {
        throw new CommandException("--max-size: " + e.getMessage(), KanalCli.EXIT_USAGE, e);
      }
    }
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = {"Show what a playlist holds: its kind (iptv, master, media), entries, variants or segments.",
          "Exit code: 0 read, 2 unreadable."})
  static final class Inspect implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    Input input = new Input();

    @Option(names = "--json", description = "Print the documented JSON (docs/API.md).")
    boolean json;

    @Option(names = "--all", description = "List every entry or segment (text output lists the first " + TEXT_LIMIT + ").")
    boolean all;

    @Override
    public Integer call() throws Exception {
      Playlist playlist = read(input, false);
      PrintWriter out = Output.of(spec);
      if (json) {
        out.println(JSON.writeValueAsString(PlaylistJson.inspect(playlist)));
      } else {
        describe(out, playlist, all ? Integer.MAX_VALUE : TEXT_LIMIT);
      }
      return 0;
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = {"Check a playlist against RFC 8216 (errors) and Apple's HLS authoring rules (warnings).",
          "Exit code: 0 valid, 1 invalid (with --strict, warnings count too), 2 unreadable."})
  static final class Validate implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    Input input = new Input();

    @Option(names = "--strict", description = "Parse strictly and treat warnings as errors.")
    boolean strict;

    @Option(names = "--json", description = "Print {input, kind, valid, errors[], warnings[]} with line, code, message.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Playlist playlist;
      try {
        playlist = read(input, strict);
      } catch (PlaylistParseException e) {
        // read() has already turned limit errors into exit 2; what reaches here is strict mode
        // refusing content: the playlist is readable but invalid.
        if (json) {
          Output.of(spec).println(JSON.writeValueAsString(JSON.createObjectNode().put("input", input.input)
              .put("valid", false).set("errors", JSON.createArrayNode().add(JSON.createObjectNode()
                  .put("line", e.line()).put("code", "parse").put("message", e.reason())))));
        } else {
          Output.of(spec).println(input.input + ":" + e.line() + ": error: " + e.reason());
        }
        return 1;
      }
      List<ValidationIssue> issues = PlaylistValidator.validate(playlist);
      boolean valid = issues.stream().noneMatch(i -> i.severity() == ValidationIssue.Severity.ERROR || strict);
      PrintWriter out = Output.of(spec);
      if (json) {
        out.println(JSON.writeValueAsString(PlaylistJson.validation(input.input, playlist, issues, valid)));
      } else {
        for (ValidationIssue issue : issues) {
          out.println(input.input + ":" + issue.line() + ": " + issue.severity().name().toLowerCase(java.util.Locale.ROOT)
              + ": " + issue.message() + " [" + issue.code() + "]");
        }
        long errors = issues.stream().filter(i -> i.severity() == ValidationIssue.Severity.ERROR).count();
        out.println(input.input + ": " + (valid ? "valid" : "invalid") + " " + playlist.kind() + " playlist ("
            + errors + " errors, " + (issues.size() - errors) + " warnings)");
      }
      return valid ? 0 : 1;
    }
  }

  private static Playlist read(Input input, boolean strict) throws CommandException, PlaylistParseException {
    try {
      return PlaylistSource.read(input.input, PlaylistSource.headers(input.headers), input.options(strict), System.in);
    } catch (PlaylistParseException e) {
      if (e.limitExceeded() || !strict) {
        throw new CommandException(input.input + ": " + e.getMessage(), PlaylistSource.EXIT_UNREADABLE, e);
      }
      throw e;
    }
  }

  private static void describe(PrintWriter out, Playlist playlist, int limit) {
    switch (playlist) {
      case IptvPlaylist p -> {
        Map<String, Integer> groups = new TreeMap<>();
        p.entries().forEach(e -> groups.merge(e.group().isEmpty() ? "(none)" : e.group(), 1, Integer::sum));
        out.println("IPTV playlist: " + p.entries().size() + " entries in " + groups.size() + " groups");
        p.header().forEach((k, v) -> out.println("  header " + k + " = " + abbreviate(v, 100)));
        int shown = 0;
        for (IptvPlaylist.Entry e : p.entries()) {
          if (shown++ == limit) {
            out.println("  ... " + (p.entries().size() - limit) + " more (--all lists them)");
            break;
          }
          StringBuilder line = new StringBuilder("  ").append(e.title());
          if (!e.group().isEmpty()) {
            line.append("  [").append(e.group()).append(']');
          }
          line.append("  ").append(e.resolvedUrl());
          if (!e.headers().isEmpty()) {
            line.append("  headers: ").append(String.join(", ", e.headers().keySet()));
          }
          out.println(line);
        }
      }
      case MasterPlaylist p -> {
        out.println("HLS multivariant playlist" + p.header().version().stream().mapToObj(v -> ", version " + v).findFirst().orElse("")
            + ": " + p.variants().size() + " variants, " + p.renditions().size() + " renditions, "
            + p.iframeVariants().size() + " I-frame variants");
        for (MasterPlaylist.Variant v : p.variants()) {
          out.println("  " + v.stream().bandwidth().stream().mapToObj(b -> (b / 1000) + " kbit/s").findFirst().orElse("? kbit/s")
              + v.stream().resolution().map(r -> "  " + r).orElse("")
              + v.stream().codecs().map(c -> "  " + c).orElse("") + "  " + v.uri());
        }
        for (MasterPlaylist.Rendition r : p.renditions()) {
          out.println("  " + r.type().text() + " " + r.groupId() + r.name().map(n -> " \"" + n + "\"").orElse("")
              + r.language().map(l -> " (" + l + ")").orElse("") + r.uri().map(u -> "  " + u).orElse(""));
        }
      }
      case MediaPlaylist p -> {
        out.println("HLS media playlist" + p.header().version().stream().mapToObj(v -> ", version " + v).findFirst().orElse("")
            + ": " + p.segments().size() + " segments, " + p.totalDurationSeconds().toPlainString() + " s"
            + p.targetDurationSeconds().stream().mapToObj(t -> ", target " + t + " s").findFirst().orElse("")
            + ", media sequence " + p.mediaSequence()
            + p.playlistType().map(t -> ", " + t.name()).orElse("") + (p.endList() ? ", ended" : ", live"));
        int shown = 0;
        for (MediaPlaylist.Segment s : p.segments()) {
          if (shown++ == limit) {
            out.println("  ... " + (p.segments().size() - limit) + " more (--all lists them)");
            break;
          }
          out.println("  #" + s.mediaSequence() + "  " + s.durationSeconds().toPlainString() + " s  " + s.uri()
              + s.byteRange().map(r -> "  @" + r).orElse("") + (s.keys().isEmpty() ? "" : "  encrypted")
              + (s.discontinuity() ? "  discontinuity" : "") + (s.gap() ? "  gap" : ""));
        }
      }
    }
    for (ParseWarning w : playlist.warnings()) {
      out.println("warning: " + w);
    }
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
