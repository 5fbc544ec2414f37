package dev.kanal.playlist;

/** Placeholder until the parser lands. */
final class IptvParser {
  private IptvParser() {}

  static IptvPlaylist parse(LineReader lines, ParseOptions options) throws java.io.IOException, PlaylistParseException {
    throw PlaylistParseException.ofInput("not implemented");
  }
}
