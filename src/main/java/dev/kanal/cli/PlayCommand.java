package dev.kanal.cli;

import dev.kanal.hls.HlsException;
import dev.kanal.hls.HlsRecorder;
import dev.kanal.hls.Players;
import dev.kanal.hls.Players.Player;
import dev.kanal.hls.Players.PlayerCommand;
import dev.kanal.hls.Quality;
import dev.kanal.hls.RecordOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kanal play}: opens a stream URL or a catalog channel in mpv or VLC with the headers it needs. */
@Command(name = "play", mixinStandardHelpOptions = true,
    description = {"Play a channel or an HLS URL in mpv or VLC with the headers it needs.",
        "Exit code: the player's, 1 when no player is installed or the channel is unknown, 2 bad usage."})
final class PlayCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  CatalogOptions catalogOptions = new CatalogOptions();

  @Parameters(index = "0", paramLabel = "URL|CHANNEL",
      description = "An http(s) URL of an HLS playlist, or a channel name or id of the catalog (--playlist or iptv.sources).")
  String input;

  @Option(names = "--player", paramLabel = "mpv|vlc|auto", defaultValue = "auto",
      description = "Which player (default: ${DEFAULT-VALUE}: mpv, else VLC).")
  String player;

  @Option(names = "--quality", paramLabel = "Q",
      description = "Pick this variant (best, worst, 720p, 720p60, 3000k) and play it; default: let the player choose.")
  String quality;

  @Option(names = "--dry-run", description = "Print the player command (shell-quoted) instead of running it.")
  boolean dryRun;

  @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'", description = "A request header (repeatable).")
  List<String> headers;

  @Option(names = "--user-agent", paramLabel = "UA", description = "The User-Agent header.")
  String userAgent;

  @Option(names = "--referer", paramLabel = "URL", description = "The Referer header.")
  String referer;

  @Override
  public Integer call() throws Exception {
    StreamInput.Stream stream = StreamInput.resolve(input, StreamInput.headers(headers, userAgent, referer), spec,
        catalogOptions);
    URI url = stream.url();
    Map<String, String> allHeaders = stream.headers();
    Optional<Player> wanted = switch (player.toLowerCase(Locale.ROOT)) {
      case "auto" -> Optional.empty();
      case "mpv" -> Optional.of(Player.MPV);
      case "vlc" -> Optional.of(Player.VLC);
      default -> throw new CommandException("--player " + player + ": use mpv, vlc or auto", KanalCli.EXIT_USAGE, null);
    };
    if (quality != null && !Quality.isValid(quality)) {
      throw new CommandException("--quality " + quality + ": use best, worst, a height like 720p or 720p60,"
          + " or a bitrate like 3000k", KanalCli.EXIT_USAGE, null);
    }
    String pathEnv = System.getenv("PATH");
    Optional<Player> found = Players.find(wanted, pathEnv);
    Player chosen;
    if (found.isPresent()) {
      chosen = found.get();
    } else if (dryRun) {
      chosen = wanted.orElse(Player.MPV);
    } else if (wanted.isPresent()) {
      throw new CommandException(wanted.get().executable() + " is not installed (not on PATH); install it, or use"
          + " --player auto. " + Players.installHint());
    } else {
      throw new CommandException(Players.installHint());
    }
    String playUrl = url.toString();
    Optional<String> title = stream.channel().map(c -> c.channel().name());
    if (quality != null) {
      RecordOptions.Builder b = RecordOptions.builder().quality(quality);
      allHeaders.forEach(b::header);
      try {
        HlsRecorder.Resolved resolved = HlsRecorder.create(b.build()).resolve(url);
        playUrl = resolved.url().toString();
        title = Optional.of(title.map(t -> t + " (" + resolved.quality() + ")").orElse(resolved.quality()));
      } catch (HlsException e) {
        throw new CommandException(e.getMessage(), 1, e);
      }
    }
    String executable = Players.onPath(chosen.executable(), pathEnv).map(Object::toString).orElse(chosen.executable());
    if (dryRun) {
      executable = chosen.executable();
    }
    PlayerCommand command = Players.command(chosen, executable, playUrl, allHeaders, title);
    PrintWriter err = spec.commandLine().getErr();
    command.warnings().forEach(w -> err.println("kanal: warning: " + w));
    if (dryRun) {
      Output.of(spec).println(command.shellLine());
      return 0;
    }
    try {
      Process p = new ProcessBuilder(command.argv()).inheritIO().start();
      return p.waitFor() == 0 ? 0 : 1;
    } catch (IOException e) {
      throw new CommandException("cannot start " + executable + ": " + e.getMessage(), 1, e);
    }
  }
}
