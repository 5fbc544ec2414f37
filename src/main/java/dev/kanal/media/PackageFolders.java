package dev.kanal.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kanal.config.KanalConfig.PackagingConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packages folder, as both job queues (in-process {@link PackageJobs}, Redis {@link ClusterPackageJobs})
 * use it: a package is built in {@code .tmp-<id>-<job>-<random>}, gets {@code job.json} when complete and is
 * renamed to {@code <id>}; a complete package is recognised by its {@code master.m3u8} and the job id in
 * its {@code job.json}.
 */
final class PackageFolders {

  private static final Logger log = LoggerFactory.getLogger(PackageFolders.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String TMP_PREFIX = ".tmp-";
  static final String OLD_PREFIX = ".old-";
  /** The job's identity, written beside master.m3u8 when the package is complete. */
  static final String JOB_FILE = "job.json";

  private PackageFolders() {}

  /** A new temporary folder name for building {@code videoId}'s package of {@code jobId}. */
  static String tmpName(String videoId, String jobId) {
    return TMP_PREFIX + videoId + "-" + jobId + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  /** Writes {@code job.json}: the last file of a complete package. */
  static void writeJobFile(Path dir, String videoId, String jobId, String node) throws IOException {
    Files.writeString(dir.resolve(JOB_FILE), JSON.createObjectNode().put("videoId", videoId).put("jobId", jobId)
        .put("node", node).put("created", Instant.now().toString()).toString(), StandardCharsets.UTF_8);
  }

  /** Moves a complete package into place: the old one (if any) aside first, then the new one in, both renames. */
  static void publish(Path root, Path tmp, Path dir, String videoId) throws IOException {
    Path old = null;
    if (Files.exists(dir)) {
      old = root.resolve(OLD_PREFIX + videoId + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
      Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      deleteTree(old);
    }
  }

  /** The job id recorded in a complete package folder, or null. */
  static String publishedJobId(Path dir) {
    try {
      if (!Files.isRegularFile(dir.resolve("master.m3u8"))) {
        return null;
      }
      JsonNode n = JSON.readTree(Files.readString(dir.resolve(JOB_FILE)));
      return n.path("jobId").asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  /** The job id: what is packaged (video, file version) and how (ladder, format, segment length). */
  static String jobId(PackageSources.Source s, PackagingConfig config, Duration segmentDuration) {
    String key = s.videoId() + "\n" + s.fingerprint() + "\n" + s.size() + "\n" + s.modified().toEpochMilli() + "\n"
        + config.ladder() + "\n" + config.format() + "\n" + segmentDuration.toMillis();
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The source of a video that can be packaged.
   *
   * @throws IllegalArgumentException for an unknown video
   * @throws IllegalStateException for one that cannot be packaged, or when the lookup fails (sentences for users)
   */
  static PackageSources.Source packageable(PackageSources sources, String videoId) {
    PackageSources.Source source;
    try {
      source = sources.find(videoId).orElseThrow(() -> new IllegalArgumentException("no video with id '" + videoId + "'"));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot look the video up: " + e.getMessage(), e);
    }
    requirePackageable(source);
    return source;
  }

  /** Refuses (with a sentence for users) a video that cannot be packaged. */
  static void requirePackageable(PackageSources.Source source) {
    if (source.problem() != null) {
      throw new IllegalStateException("video '" + source.videoId() + "' cannot be packaged: " + source.problem());
    }
    if (source.file().isEmpty()) {
      throw new IllegalStateException("video '" + source.videoId() + "' cannot be packaged: its file is gone");
    }
    if (source.info() == null || source.info().video().isEmpty()) {
      throw new IllegalStateException("video '" + source.videoId() + "' cannot be packaged: it has no video stream");
    }
  }

  /**
   * The names of temporary folders of {@code videoId}'s packages: {@code .tmp-<id>-<16 hex job id>-<hex>},
   * anchored so that video {@code a}'s pattern never matches video {@code a-b}'s folders.
   */
  static java.util.regex.Pattern tmpNames(String videoId) {
    return java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(TMP_PREFIX + videoId + "-") + "[0-9a-f]{16}-[0-9a-f]+");
  }

  /** Stops processes on this machine (an ffmpeg a killed Kanal left behind) whose command line contains {@code marker}. */
  static void killWriters(String marker) {
    killWriters(commandLine -> commandLine.contains(marker));
  }

  /** Stops processes on this machine whose command line {@code matches}. */
  static void killWriters(java.util.function.Predicate<String> matches) {
    ProcessHandle.allProcesses()
        .filter(ph -> ph.info().commandLine().map(matches::test).orElse(false))
        .filter(ph -> ph.pid() != ProcessHandle.current().pid())
        .forEach(ph -> {
          log.warn("event=package.orphan pid={} effect=killed", ph.pid());
          ph.destroyForcibly();
        });
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.deleteIfExists(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
