package dev.kanal.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags {@code play} and {@code record} need to find a channel by name: where the config, the
 * data folder and the playlists are (the subset of {@link ConfigOptions} that concerns the catalog).
 */
final class CatalogOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Config file whose iptv.sources name channels (default: ./kanal.yaml, then ~/.config/kanal/; env KANAL_CONFIG).")
  Path config;

  @Option(names = "--data", paramLabel = "DIR", description = "Data folder with cached playlists and the check history (storage.dataDir).")
  String data;

  @Option(names = "--playlist", paramLabel = "URL|FILE", description = "IPTV playlist to find channels in; repeat for several (iptv.sources).")
  List<String> playlists;

  /** The same values as the full config flags. */
  ConfigOptions toConfigOptions() {
    ConfigOptions options = new ConfigOptions();
    options.config = config;
    options.data = data;
    options.playlists = playlists;
    return options;
  }
}
