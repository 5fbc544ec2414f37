package dev.kanal.playlist;

/** Placeholder until the parser lands. */
final class HlsParser {
  private HlsParser() {}

  static MasterPlaylist parseMaster(LineReader lines, ParseOptions options) throws java.io.IOException, PlaylistParseException {
    throw PlaylistParseException.ofInput("not implemented");
  }

  static MediaPlaylist parseMedia(LineReader lines, ParseOptions options) throws java.io.IOException, PlaylistParseException {
    throw PlaylistParseException.ofInput("not implemented");
  }
}
