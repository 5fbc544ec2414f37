package dev.kanal.cli;

import picocli.CommandLine.Command;

/** {@code kanal playlist inspect|validate}: placeholder until the playlist engine's CLI lands. */
@Command(name = "playlist", mixinStandardHelpOptions = true,
    description = "Inspect and validate IPTV (M3U) and HLS playlists.")
final class PlaylistCommand extends PendingCommands.Pending {
  @Override
  String issue() {
    return "planned with the playlist engine, issue #3";
  }
}
