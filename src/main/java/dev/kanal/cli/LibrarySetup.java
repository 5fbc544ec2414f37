package dev.kanal.cli;

import dev.kanal.config.KanalConfig;
import dev.kanal.library.Library;
import dev.kanal.library.Thumbnails;
import dev.kanal.media.Ffmpeg;
import dev.kanal.media.FfmpegLocator;
import dev.kanal.media.MediaToolException;
import dev.kanal.media.Prober;
import dev.kanal.server.MediaFile;
import dev.kanal.server.MediaFiles;
import dev.kanal.store.Database;
import dev.kanal.store.StoreException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the video library from the config, for {@code serve}, {@code demo} and {@code library}. */
final class LibrarySetup {

  private static final Logger log = LoggerFactory.getLogger(LibrarySetup.class);

  /** The catalogue database inside the data dir. */
  static final String DATABASE = "kanal.db";

  private LibrarySetup() {}

  /**
   * The opened library and the tools it runs.
   *
   * @param library the catalogue
   * @param thumbnails poster and strip maker
   * @param database {@code dataDir/kanal.db}, shared with the live TV health history
   * @param ffmpeg the ffmpeg executable, when one was found
   */
  record Parts(Library library, Thumbnails thumbnails, Database database, Optional<Path> ffmpeg) implements AutoCloseable {
    @Override
    public void close() {
      try {
        library.close();
      } finally {
        database.close();
      }
    }
  }

  /**
   * Opens the library of {@code config} (its data dir must exist). Without ffmpeg, files are still
   * catalogued and served; they stay "pending" until ffprobe can run.
   */
  static Parts open(KanalConfig config) throws StoreException {
    return open(config, true);
  }

  /** As {@link #open(KanalConfig)}; without {@code tools}, ffmpeg is not looked for (listing needs none). */
  static Parts open(KanalConfig config, boolean tools) throws StoreException {
    Path data = config.storage().dataDir();
    Path ffmpegPath = Path.of("ffmpeg");
    Path ffprobePath = Path.of("ffprobe");
    Optional<Path> found = Optional.empty();
    if (tools) {
      try {
        Ffmpeg ffmpeg = FfmpegLocator.locate(config.ffmpeg(), data, System.getenv("PATH"));
        ffmpegPath = ffmpeg.ffmpeg();
        found = Optional.of(ffmpegPath);
        ffprobePath = FfmpegLocator.ffprobeForScanning(config.ffmpeg(), data, ffmpeg);
      } catch (MediaToolException e) {
        log.warn("event=library.no_ffmpeg reason=\"{}\" effect=\"videos are served but not probed\"", e.getMessage());
      }
    }
    Database database = Database.open(data.resolve(DATABASE));
    try {
      Library library = Library.open(config.library(), database, new Prober(ffprobePath, Library.PROBE_TIMEOUT));
      return new Parts(library, new Thumbnails(ffmpegPath, data.resolve("cache").resolve("thumbnails")), database, found);
    } catch (StoreException | RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /** {@code /media/{id}/file} served from the library. */
  static MediaFiles mediaFiles(Library library) {
    return id -> library.file(id).map(e -> new MediaFile(e.path(), e.size(), e.modified(), e.contentType(), e.fileName()));
  }

  /** The library with these folders instead of the configured ones, when any are given. */
  static KanalConfig withFolders(KanalConfig config, Optional<Path> extra) {
    if (extra.isEmpty() || !config.library().folders().isEmpty()) {
      return config;
    }
    var lib = config.library();
    return config.withLibrary(
        new KanalConfig.LibraryConfig(java.util.List.of(extra.get()), lib.rescanInterval(), lib.watch(), lib.probeConcurrency()));
  }
}
