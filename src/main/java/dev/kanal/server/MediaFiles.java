package dev.kanal.server;

import java.util.Optional;

/**
 * Finds the file behind a media id for {@code GET /media/{id}/file}; declared here by the server and
 * implemented by whoever owns the catalog (the library), so no request text ever becomes a path.
 *
 * <p>Implementations may block (a database lookup): the server calls {@link #find} on a bounded
 * worker pool, never on an event loop. Ids the server passes are 1 to 128 characters of
 * {@code A-Z a-z 0-9 _ -}; any other id is answered 404 without a lookup.
 */
@FunctionalInterface
public interface MediaFiles {

  /** The file catalogued under {@code id}, or empty when there is none. */
  Optional<MediaFile> find(String id);
}
