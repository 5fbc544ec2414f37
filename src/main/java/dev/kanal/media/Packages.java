package dev.kanal.media;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Fully packaged videos (an ABR ladder made ahead of time) and the jobs that make them, as the VOD
 * routes see them. Once a video's package is published, the on-demand path is no longer used for it.
 */
public interface Packages {

  /** The folder of the complete, published package of this video ({@code master.m3u8} at its root), if any. */
  Optional<Path> published(String videoId);

  /** Where packaging of this video stands. */
  PackageStatus status(String videoId);

  /** Queues packaging of this video (nothing happens when it is already queued, running or published). */
  PackageStatus request(String videoId);

  /** Cancels a queued or running job; false when there was none. */
  boolean cancel(String videoId);

  /** No packaging at all: every video plays on demand. */
  static Packages none() {
    return new Packages() {
      @Override
      public Optional<Path> published(String videoId) {
        return Optional.empty();
      }

      @Override
      public PackageStatus status(String videoId) {
        return PackageStatus.none(videoId);
      }

      @Override
      public PackageStatus request(String videoId) {
        return PackageStatus.none(videoId);
      }

      @Override
      public boolean cancel(String videoId) {
        return false;
      }
    };
  }
}
