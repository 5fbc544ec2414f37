package dev.kanal.playlist;

import java.util.List;

/**
 * A parsed playlist: an IPTV channel list, an HLS multivariant playlist or an HLS media playlist
 * (RFC 8216 section 4). Every implementation is immutable.
 */
public sealed interface Playlist permits IptvPlaylist, MasterPlaylist, MediaPlaylist {

  /** Problems the lenient parser tolerated, in input order; empty after a clean or strict parse. */
  List<ParseWarning> warnings();

  /** The kind as named in the {@code inspect --json} contract: "iptv", "master" or "media". */
  default String kind() {
    return switch (this) {
      case IptvPlaylist p -> "iptv";
      case MasterPlaylist p -> "master";
      case MediaPlaylist p -> "media";
    };
  }
}
