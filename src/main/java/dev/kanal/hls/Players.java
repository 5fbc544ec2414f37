package dev.kanal.hls;

import dev.kanal.net.SafeHeaders;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds the command that plays a stream in mpv or VLC with the headers it needs: mpv takes
 * {@code --http-header-fields}, {@code --user-agent} and {@code --referrer}; VLC takes
 * {@code :http-user-agent=} and {@code :http-referrer=} after the URL and cannot send other headers.
 */
public final class Players {

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private Players() {}

  /** The players Kanal can launch. */
  public enum Player {
    /** mpv, preferred: it sends arbitrary headers. */
    MPV("mpv"),
    /** VLC: only User-Agent and Referer. */
    VLC("vlc");

    private final String executable;

    Player(String executable) {
      this.executable = executable;
    }

    /** The executable name looked up on PATH. */
    public String executable() {
      return executable;
    }
  }

  /**
   * A command to run.
   *
   * @param argv the program and its arguments
   * @param warnings headers the player cannot send, said once to the user
   */
  public record PlayerCommand(List<String> argv, List<String> warnings) {

    /** Copies the lists. */
    public PlayerCommand {
      argv = List.copyOf(argv);
      warnings = List.copyOf(warnings);
    }

    /** The command as one line a POSIX shell runs as is. */
    public String shellLine() {
      return String.join(" ", argv.stream().map(Players::shellQuote).toList());
    }
  }

  /** The first of mpv, vlc on PATH ({@code preferred} empty: auto, mpv first). */
  public static Optional<Player> find(Optional<Player> preferred, String pathEnv) {
    List<Player> order = preferred.map(List::of).orElse(List.of(Player.MPV, Player.VLC));
    for (Player p : order) {
      if (onPath(p.executable(), pathEnv).isPresent()) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The full path of an executable on PATH. */
  public static Optional<Path> onPath(String name, String pathEnv) {
    if (pathEnv == null) {
      return Optional.empty();
    }
    for (String dir : pathEnv.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** What to tell a user who has no player. */
  public static String installHint() {
    return "no player found: install mpv ('apt-get install mpv', 'brew install mpv') or VLC ('apt-get install vlc'),"
        + " or pipe a recording into any player: kanal record URL -o - | PLAYER -";
  }

  /**
   * The command for a player: headers (User-Agent and Referer among them, any case) become the
   * player's own options.
   */
  public static PlayerCommand command(Player player, String executable, String url, Map<String, String> headers,
      Optional<String> title) {
    if (url.startsWith("-")) {
      // A URL comes last and alone; one that starts with '-' would be read as a player option.
      throw new IllegalArgumentException("refused to play '" + SafeHeaders.value(url) + "': not a URL");
    }
    title = title.map(SafeHeaders::value);
    List<String> argv = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    argv.add(executable);
    String userAgent = null;
    String referer = null;
    List<String> other = new ArrayList<>();
    for (Map.Entry<String, String> h : SafeHeaders.clean(headers).entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      String value = h.getValue();
      switch (name) {
        case "user-agent" -> userAgent = value;
        case "referer", "referrer" -> referer = value;
        default -> other.add(h.getKey().strip() + ": " + value);
      }
    }
    switch (player) {
      case MPV -> {
        if (!other.isEmpty()) {
          // mpv's string lists split on commas; a comma inside a value is escaped with a backslash.
          argv.add("--http-header-fields=" + String.join(",",
              other.stream().map(v -> v.replace("\\", "\\\\").replace(",", "\\,")).toList()));
        }
        if (userAgent != null) {
          argv.add("--user-agent=" + userAgent);
        }
        if (referer != null) {
          argv.add("--referrer=" + referer);
        }
        title.ifPresent(t -> argv.add("--force-media-title=" + t));
        argv.add(url);
      }
      case VLC -> {
        argv.add(url);
        if (userAgent != null) {
          argv.add(":http-user-agent=" + userAgent);
        }
        if (referer != null) {
          argv.add(":http-referrer=" + referer);
        }
        title.ifPresent(t -> argv.add(":meta-title=" + t));
        for (String h : other) {
          warnings.add("VLC cannot send the header '" + h.substring(0, h.indexOf(':'))
              + "'; use --player mpv if the stream needs it");
        }
      }
    }
    return new PlayerCommand(argv, warnings);
  }

  /** Quotes one argument for a POSIX shell: as is when safe, else in single quotes. */
  public static String shellQuote(String arg) {
    if (!arg.isEmpty() && SAFE.matcher(arg).matches()) {
      return arg;
    }
    return "'" + arg.replace("'", "'\\''") + "'";
  }
}
