package dev.kanal.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.LibraryConfig;
import dev.kanal.media.MediaInfo;
import dev.kanal.media.Prober;
import dev.kanal.testing.TestVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scanning real files: catalogue, probe, broken files, and identity across moves, renames and edits. */
class LibraryScanTest {

  @TempDir
  Path media;

  @TempDir
  Path data;

  private Library library;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(media.resolve("Films/Drama"));
    Files.copy(TestVideos.mp4(), media.resolve("Films/The.Big.Movie.2019.2160p.UHD.BluRay.x265-GRP.mp4"));
    Files.copy(TestVideos.mkv(), media.resolve("Films/Drama/Amélie (2001) [1080p].mkv"));
    Files.copy(TestVideos.ts(), media.resolve("recording.ts"));
    Files.writeString(media.resolve("readme.txt"), "not a video");
    Files.copy(TestVideos.mp4(), media.resolve(".hidden.mp4"));
    Files.createDirectories(media.resolve(".Trash"));
    Files.copy(TestVideos.mp4(), media.resolve(".Trash/deleted.mp4"));
    Files.createDirectories(media.resolve("broken"));
    TestVideos.writeBroken(media.resolve("broken"));
    library = open();
  }

  @AfterEach
  void tearDown() {
    library.close();
  }

  private Library open() throws Exception {
    return Library.open(LibraryConfig.of(List.of(media)), data.resolve("kanal.db"),
        new Prober(Path.of("ffprobe"), Library.PROBE_TIMEOUT));
  }

  private Map<String, Video> byFileName() throws Exception {
    return library.list("", null, Library.Sort.TITLE, false, 0, 500).items().stream()
        .collect(Collectors.toMap(Video::fileName, Function.identity()));
  }

  @Test
  void scan_cataloguesVideosWithMetadataAndSkipsOthers() throws Exception {
    ScanReport report = library.scan();

    assertThat(report.files()).isEqualTo(6);
    assertThat(report.added()).isEqualTo(6);
    assertThat(report.probed()).isEqualTo(6);
    assertThat(report.broken()).isEqualTo(3);
    assertThat(report.problems()).isEmpty();
    Map<String, Video> videos = byFileName();
    assertThat(videos).containsOnlyKeys("The.Big.Movie.2019.2160p.UHD.BluRay.x265-GRP.mp4", "Amélie (2001) [1080p].mkv",
        "recording.ts", "truncated.mp4", "empty.mp4", "notes.mkv");

    Video movie = videos.get("The.Big.Movie.2019.2160p.UHD.BluRay.x265-GRP.mp4");
    assertThat(movie.title()).isEqualTo("The Big Movie 2019");
    assertThat(movie.collection()).isEqualTo("Films");
    assertThat(movie.status()).isEqualTo(Video.Status.OK);
    assertThat(movie.contentType()).isEqualTo("video/mp4");
    assertThat(movie.size()).isEqualTo(Files.size(TestVideos.mp4()));
    assertThat(movie.duration()).isBetween(11.5, 12.5);
    assertThat(movie.info().container()).contains("mp4");
    MediaInfo.Stream video = movie.info().video().orElseThrow();
    assertThat(video.codec()).isEqualTo("h264");
    assertThat(video.width()).isEqualTo(160);
    assertThat(video.height()).isEqualTo(90);
    assertThat(video.frameRate()).isEqualTo(25.0);
    assertThat(video.pixelFormat()).isNotBlank();
    assertThat(video.hdr()).isNull();
    assertThat(movie.info().audio().orElseThrow().codec()).isEqualTo("aac");
    assertThat(movie.info().audio().orElseThrow().channels()).isEqualTo(1);

    Video amelie = videos.get("Amélie (2001) [1080p].mkv");
    assertThat(amelie.title()).isEqualTo("Amélie (2001)");
    assertThat(amelie.collection()).isEqualTo("Films/Drama");
    assertThat(amelie.contentType()).isEqualTo("video/x-matroska");
    assertThat(amelie.info().chapters()).extracting(MediaInfo.Chapter::title).containsExactly("One", "Two");
    assertThat(amelie.info().chapters().get(1).start()).isEqualTo(6.0);

    assertThat(videos.get("recording.ts").contentType()).isEqualTo("video/mp2t");
    assertThat(videos.values()).allSatisfy(v -> assertThat(v.id()).matches("[A-Za-z0-9_-]{16}(-[0-9]+)?"));
  }

  @Test
  void scan_marksBrokenFilesWithReasons_andGoesOn() throws Exception {
    library.scan();
    Map<String, Video> videos = byFileName();

    assertThat(videos.get("empty.mp4").status()).isEqualTo(Video.Status.BROKEN);
    assertThat(videos.get("empty.mp4").reason()).isEqualTo("empty file (0 bytes)");
    assertThat(videos.get("truncated.mp4").status()).isEqualTo(Video.Status.BROKEN);
    assertThat(videos.get("truncated.mp4").reason()).startsWith("truncated: the 'mdat' box needs");
    assertThat(videos.get("notes.mkv").status()).isEqualTo(Video.Status.BROKEN);
    assertThat(videos.get("notes.mkv").reason()).contains("EBML header parsing failed");
    for (Video v : videos.values()) {
      if (v.reason() != null) {
        assertThat(v.reason()).as("reasons never show paths").doesNotContain(media.toString()).doesNotContain(v.fileName());
      }
    }
    assertThat(library.list("", Video.Status.BROKEN, Library.Sort.TITLE, false, 0, 10).total()).isEqualTo(3);
    assertThat(library.list("", Video.Status.OK, Library.Sort.TITLE, false, 0, 10).total()).isEqualTo(3);
  }

  @Test
  void truncatedFaststartMp4_isBrokenThoughFfprobeReadsIt() throws Exception {
    byte[] full = Files.readAllBytes(TestVideos.faststartMp4());
    Files.write(media.resolve("cut.mp4"), java.util.Arrays.copyOf(full, full.length - 1000));
    library.scan();
    Video cut = byFileName().get("cut.mp4");
    assertThat(cut.status()).isEqualTo(Video.Status.BROKEN);
    assertThat(cut.reason()).contains("'mdat' box needs " + full.length + " bytes but the file has " + (full.length - 1000));
  }

  @Test
  void rescan_ofUnchangedFiles_probesNothing() throws Exception {
    library.scan();
    Map<String, Video> before = byFileName();
    ScanReport second = library.scan();
    assertThat(second.unchanged()).isEqualTo(6);
    assertThat(second.added() + second.changed() + second.moved() + second.removed() + second.probed()).isZero();
    assertThat(byFileName()).isEqualTo(before);
  }

  @Test
  void renameAndMove_keepTheId_andUpdateTitleAndCollection() throws Exception {
    library.scan();
    String id = byFileName().get("recording.ts").id();
    Files.createDirectories(media.resolve("Archive/2024"));
    Files.move(media.resolve("recording.ts"), media.resolve("Archive/2024/Evening.News.ts"));

    ScanReport report = library.scan();

    assertThat(report.moved()).isEqualTo(1);
    assertThat(report.added()).isZero();
    assertThat(report.removed()).isZero();
    assertThat(report.probed()).as("a move needs no new probe").isZero();
    Video moved = byFileName().get("Evening.News.ts");
    assertThat(moved.id()).isEqualTo(id);
    assertThat(moved.title()).isEqualTo("Evening News");
    assertThat(moved.collection()).isEqualTo("Archive/2024");
    assertThat(moved.status()).isEqualTo(Video.Status.OK);
    assertThat(library.file(id)).get().extracting(Library.FileEntry::path).isEqualTo(media.resolve("Archive/2024/Evening.News.ts"));
  }

  @Test
  void editInPlace_keepsTheId_andProbesAgain() throws Exception {
    library.scan();
    Path ts = media.resolve("recording.ts");
    String id = byFileName().get("recording.ts").id();
    Files.write(ts, Files.readAllBytes(TestVideos.mp4()));
    Files.setLastModifiedTime(ts, FileTime.from(Instant.now().plusSeconds(5)));

    ScanReport report = library.scan();

    assertThat(report.changed()).isEqualTo(1);
    assertThat(report.probed()).isEqualTo(1);
    Video edited = byFileName().get("recording.ts");
    assertThat(edited.id()).isEqualTo(id);
    assertThat(edited.size()).isEqualTo(Files.size(TestVideos.mp4()));
    assertThat(edited.info().container()).contains("mp4");
  }

  @Test
  void deletedFile_isRemoved_andNoLongerServed() throws Exception {
    library.scan();
    String id = byFileName().get("recording.ts").id();
    Files.delete(media.resolve("recording.ts"));
    assertThat(library.file(id)).as("a vanished file is not served even before the rescan").isEmpty();

    ScanReport report = library.scan();

    assertThat(report.removed()).isEqualTo(1);
    assertThat(library.get(id)).isEmpty();
    assertThat(library.size()).isEqualTo(5);
  }

  @Test
  void missingFolder_keepsItsVideos() throws Exception {
    library.scan();
    library.close();
    Path moved = media.resolveSibling(media.getFileName() + "-unmounted");
    Files.move(media, moved);
    try {
      library = open();
      ScanReport report = library.scan();
      assertThat(report.problems()).singleElement().asString().contains("folder not found").contains(media.toString());
      assertThat(report.removed()).isZero();
      assertThat(library.list("", null, Library.Sort.TITLE, false, 0, 10).total()).isEqualTo(6);
    } finally {
      library.close();
      Files.move(moved, media);
      library = open();
    }
  }

  @Test
  void duplicateCopies_getDistinctIds() throws Exception {
    Files.copy(TestVideos.ts(), media.resolve("copy-of-recording.ts"));
    library.scan();
    Map<String, Video> videos = byFileName();
    String a = videos.get("copy-of-recording.ts").id();
    String b = videos.get("recording.ts").id();
    assertThat(a).isNotEqualTo(b);
    assertThat(b).isEqualTo(a + "-2").as("sorted by path, the first copy gets the plain id");
  }

  @Test
  void ids_areDerivedFromContent_soAnotherCatalogueFindsTheSameIds() throws Exception {
    library.scan();
    Map<String, Video> first = byFileName();
    library.close();
    Path otherData = Files.createTempDirectory(data, "other");
    library = Library.open(LibraryConfig.of(List.of(media)), otherData.resolve("kanal.db"),
        new Prober(Path.of("ffprobe"), Library.PROBE_TIMEOUT));
    library.scan();
    Map<String, Video> second = byFileName();
    first.forEach((name, v) -> assertThat(second.get(name).id()).isEqualTo(v.id()));
  }

  @Test
  void catalogue_survivesRestart_andServesBeforeAnyScan() throws Exception {
    library.scan();
    Video movie = byFileName().get("recording.ts");
    library.close();
    library = open();
    assertThat(library.file(movie.id())).get().extracting(Library.FileEntry::size).isEqualTo(movie.size());
    assertThat(library.get(movie.id())).get().extracting(Video::info).isEqualTo(movie.info());
  }

  @Test
  void list_searchesAccentAndCaseInsensitively_andSortsAndPages() throws Exception {
    library.scan();
    assertThat(library.list("AMELIE", null, Library.Sort.TITLE, false, 0, 10).items())
        .extracting(Video::fileName).containsExactly("Amélie (2001) [1080p].mkv");
    assertThat(library.list("big movie", null, Library.Sort.TITLE, false, 0, 10).total()).isEqualTo(1);
    assertThat(library.list("zzz", null, Library.Sort.TITLE, false, 0, 10).total()).isZero();

    List<Video> bySize = library.list("", null, Library.Sort.SIZE, true, 0, 10).items();
    assertThat(bySize).extracting(Video::size).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    List<Video> byDuration = library.list("", Video.Status.OK, Library.Sort.DURATION, false, 0, 10).items();
    assertThat(byDuration).extracting(Video::duration).isSorted();

    Library.Page page1 = library.list("", null, Library.Sort.TITLE, false, 0, 4);
    Library.Page page2 = library.list("", null, Library.Sort.TITLE, false, 4, 4);
    assertThat(page1.total()).isEqualTo(6);
    assertThat(page1.items()).hasSize(4);
    assertThat(page2.items()).hasSize(2);
    assertThat(page1.items()).doesNotContainAnyElementsOf(page2.items());
  }

  @Test
  void symlinks_insideAreFollowed_outsideAreSkipped() throws Exception {
    Path outside = Files.createTempDirectory("kanal-outside-");
    try {
      Files.copy(TestVideos.mp4(), outside.resolve("secret.mp4"));
      Files.createSymbolicLink(media.resolve("link-out.mp4"), outside.resolve("secret.mp4"));
      Files.createSymbolicLink(media.resolve("dir-out"), outside);
      Files.createSymbolicLink(media.resolve("link-in.ts"), media.resolve("recording.ts"));
      Files.createSymbolicLink(media.resolve("Films/loop"), media.resolve("Films"));

      ScanReport report = library.scan();

      assertThat(byFileName()).doesNotContainKeys("link-out.mp4", "secret.mp4").containsKey("link-in.ts");
      assertThat(report.skipped()).anyMatch(s -> s.contains("link-out.mp4")).anyMatch(s -> s.contains("dir-out"));
    } finally {
      try (var files = Files.walk(outside)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void fileSwappedForAnOutsideSymlinkAfterTheScan_isRefused() throws Exception {
    library.scan();
    String id = byFileName().get("recording.ts").id();
    Path outside = Files.createTempFile("kanal-secret-", ".ts");
    try {
      Files.delete(media.resolve("recording.ts"));
      Files.createSymbolicLink(media.resolve("recording.ts"), outside);
      assertThat(library.file(id)).isEmpty();
    } finally {
      Files.deleteIfExists(outside);
    }
  }

  @Test
  void watcher_picksUpANewFileWithinSeconds() throws Exception {
    try (LibraryWatcher watcher = LibraryWatcher.start(library, Duration.ofHours(1), true, Duration.ofMillis(200))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (watcher.lastReport() == null && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(watcher.lastReport()).as("first scan at start").isNotNull();
      Files.createDirectories(media.resolve("New"));
      Path tmp = media.resolve("New/.incoming.part");
      Files.copy(TestVideos.mp4(), tmp);
      Files.move(tmp, media.resolve("New/arrived.mp4"));
      while (System.nanoTime() < deadline) {
        Video arrived = byFileName().get("arrived.mp4");
        if (arrived != null && arrived.status() == Video.Status.OK) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(byFileName()).containsKey("arrived.mp4");
      assertThat(byFileName().get("arrived.mp4").status()).isEqualTo(Video.Status.OK);
    }
  }

  @Test
  void fileGrowingDuringCopy_isProbedAgainWhenComplete() throws Exception {
    byte[] full = Files.readAllBytes(TestVideos.mp4());
    Path growing = media.resolve("growing.mp4");
    Files.write(growing, java.util.Arrays.copyOf(full, full.length / 2));
    library.scan();
    assertThat(byFileName().get("growing.mp4").status()).isEqualTo(Video.Status.BROKEN);
    Files.write(growing, java.util.Arrays.copyOfRange(full, full.length / 2, full.length), StandardOpenOption.APPEND);
    library.scan();
    assertThat(byFileName().get("growing.mp4").status()).isEqualTo(Video.Status.OK);
  }
}
