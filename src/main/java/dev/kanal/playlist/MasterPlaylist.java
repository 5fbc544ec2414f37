package dev.kanal.playlist;

import java.util.List;

/** Placeholder until the parser lands. */
public record MasterPlaylist(List<ParseWarning> warnings) implements Playlist {}
