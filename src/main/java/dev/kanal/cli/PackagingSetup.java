package dev.kanal.cli;

import dev.kanal.config.KanalConfig;
import dev.kanal.library.Library;
import dev.kanal.library.Video;
import dev.kanal.media.Ffmpeg;
import dev.kanal.media.FfmpegLocator;
import dev.kanal.media.MediaToolException;
import dev.kanal.config.KanalConfig.PackagingConfig;
import dev.kanal.media.ClusterPackageJobs;
import dev.kanal.media.PackageJobs;
import dev.kanal.media.PackageQueue;
import dev.kanal.media.PackageSources;
import dev.kanal.store.StoreException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the packaging job queue over the library, for {@code serve}, {@code demo} and {@code library package}. */
final class PackagingSetup {

  private static final Logger log = LoggerFactory.getLogger(PackagingSetup.class);

  /** Where packages are published, inside the data dir. */
  static final String PACKAGES = "packages";

  private PackagingSetup() {}

  /**
   * Opens the job queue (not started): shared by several nodes through Redis when {@code store.redis.url} is
   * set, else in the library's database. Without ffmpeg the queue still answers status and published
   * packages; jobs fail saying ffmpeg cannot run.
   */
  static PackageQueue open(KanalConfig config, LibrarySetup.Parts library) throws StoreException {
    Path data = config.storage().dataDir();
    Path ffmpeg = Path.of("ffmpeg");
    Path ffprobe = Path.of("ffprobe");
    try {
      Ffmpeg found = FfmpegLocator.locate(config.ffmpeg(), data, System.getenv("PATH"));
      ffmpeg = found.ffmpeg();
      ffprobe = found.ffprobe();
    } catch (MediaToolException e) {
      log.warn("event=package.no_ffmpeg reason=\"{}\" effect=\"packaging jobs will fail\"", e.getMessage());
    }
    PackagingConfig packaging = config.vod().packaging();
    Path output = packaging.output() == null || packaging.output().toString().isBlank()
        ? data.resolve(PACKAGES) : packaging.output();
    String redis = config.store().redis().url() == null ? "" : config.store().redis().url().strip();
    if (!redis.isEmpty()) {
      return ClusterPackageJobs.open(config.store().redis(), output, packaging, config.vod().segmentDuration(), ffmpeg,
          ffprobe, sources(library.library()), ClusterPackageJobs.nodeName());
    }
    return PackageJobs.open(library.database(), output, packaging, config.vod().segmentDuration(), ffmpeg, ffprobe,
        sources(library.library()));
  }

  /** A video's source for packaging: its catalogue record and its file, re-checked to be inside a library folder. */
  static PackageSources sources(Library library) {
    return id -> {
      Optional<Video> found = library.get(id);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      Video v = found.get();
      String problem = switch (v.status()) {
        case OK -> v.info() != null && v.info().video().isPresent() ? null : "it has no video stream";
        case BROKEN -> "it is broken (" + v.reason() + ")";
        case PENDING -> "it is not probed yet";
      };
      Optional<Path> file = library.file(id).map(Library.FileEntry::path);
      return Optional.of(new PackageSources.Source(v.id(), file, v.size(), v.modified(), v.fingerprint(),
          v.status() == Video.Status.OK ? v.info() : null, problem));
    };
  }
}
