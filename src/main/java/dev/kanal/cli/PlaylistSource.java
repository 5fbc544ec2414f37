package dev.kanal.cli;

import dev.kanal.net.HttpFetcher;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.playlist.Playlist;
import dev.kanal.playlist.PlaylistParseException;
import dev.kanal.playlist.Playlists;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads a playlist named on the command line: a file, an http(s) URL, or {@code -} for standard input. */
final class PlaylistSource {

  /** Exit code when the input cannot be read at all (missing file, network error, over a limit). */
  static final int EXIT_UNREADABLE = 2;

  private PlaylistSource() {}

  /** Parses {@code -H 'K: V'} flags into a header map, or fails naming the bad one. */
  static Map<String, String> headers(List<String> flags) throws CommandException {
    Map<String, String> headers = new LinkedHashMap<>();
    if (flags == null) {
      return headers;
    }
    for (String flag : flags) {
      int colon = flag.indexOf(':');
      if (colon <= 0 || flag.substring(0, colon).isBlank()) {
        throw new CommandException("--header '" + flag + "' is not of the form 'Name: value'", KanalCli.EXIT_USAGE, null);
      }
      headers.put(flag.substring(0, colon).strip(), flag.substring(colon + 1).strip());
    }
    return headers;
  }

  /** Reads and parses the input; failures to read are CommandExceptions with exit code 2. */
  static Playlist read(String input, Map<String, String> headers, ParseOptions options, InputStream stdin)
      throws CommandException, PlaylistParseException {
    String lower = input.toLowerCase(Locale.ROOT);
    try {
      if (input.equals("-")) {
        return Playlists.parse(stdin, options);
      }
      if (lower.startsWith("http://") || lower.startsWith("https://")) {
        URI uri;
        try {
          uri = URI.create(input);
        } catch (IllegalArgumentException e) {
          throw new CommandException("invalid URL " + input + ": " + e.getMessage(), EXIT_UNREADABLE, e);
        }
        HttpFetcher fetcher = HttpFetcher.create(Duration.ofSeconds(10), Duration.ofSeconds(60));
        try (HttpFetcher.Response response = fetcher.get(uri, headers, options.maxBytes())) {
          if (response.status() != 200) {
            throw new CommandException(input + " answered HTTP " + response.status(), EXIT_UNREADABLE, null);
          }
          return Playlists.parse(response.body(), options.withBaseUri(response.uri()));
        }
      }
      Path file = Path.of(input);
      if (Files.isDirectory(file)) {
        throw new CommandException(input + " is a folder, not a playlist file", EXIT_UNREADABLE, null);
      }
      try (InputStream in = Files.newInputStream(file)) {
        return Playlists.parse(in, options.withBaseUri(file.toAbsolutePath().toUri()));
      }
    } catch (NoSuchFileException e) {
      throw new CommandException(input + ": no such file", EXIT_UNREADABLE, e);
    } catch (IOException e) {
      throw new CommandException("cannot read " + input + ": " + e.getMessage(), EXIT_UNREADABLE, e);
    }
  }
}
