package dev.kanal.playlist;

import java.util.List;

/** Placeholder until the parser lands. */
public record MediaPlaylist(List<ParseWarning> warnings) implements Playlist {}
