package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.SampleVideos;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kanal library scan|list|info}, run in-process like {@link KanalCliTest}, over a folder of
 * tiny ffmpeg-made videos and broken files. Every run gets an explicit (empty) config file, so a
 * kanal.yaml of the machine running the tests cannot add folders.
 */
class LibraryCommandTest {

  static final String BIG = "Big.Buck.Bunny.2008.1080p.BluRay.x264-GRP.mp4";
  static final String AMELIE = "Amélie.2001.1080p.mkv";
  static final String SHORT = "Short.Clip.mp4";

  @TempDir static Path dir;
  static Path media;
  static Path data;
  static Path config;
  /** The first scan into {@link #data}. */
  static Run firstScan;
  /** Everything each test ran, checked for stack traces after it. */
  final List<Run> runs = new ArrayList<>();

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void makeLibrary() throws Exception {
    media = Files.createDirectories(dir.resolve("media"));
    data = dir.resolve("data");
    config = Files.writeString(dir.resolve("kanal.yaml"), "server:\n  port: 8080\n");
    SampleVideos.h264(media.resolve(BIG), 8, 160, 90, 10, true);
    SampleVideos.h264(media.resolve(AMELIE), 5, 320, 180, 10, true);
    SampleVideos.h264(media.resolve("Extras").resolve(SHORT), 2, 128, 72, 10, false);
    Files.write(media.resolve("Empty.mp4"), new byte[0]);
    Files.writeString(media.resolve("Notes.mkv"), "This is a text file, not a video.\n".repeat(100));
    firstScan = exec("library", "scan", "--config", config.toString(), "--media", media.toString(), "--data", data.toString());
  }

  static Run exec(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KanalCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  Run run(String... args) {
    Run r = exec(args);
    runs.add(r);
    return r;
  }

  /** {@code library <args> --config C --media M --data D}. */
  Run library(String... args) {
    List<String> all = new ArrayList<>(List.of("library"));
    all.addAll(List.of(args));
    all.addAll(List.of("--config", config.toString(), "--media", media.toString(), "--data", data.toString()));
    return run(all.toArray(String[]::new));
  }

  @AfterEach
  void noStackTraces() {
    List<Run> all = new ArrayList<>(runs);
    all.add(firstScan);
    for (Run r : all) {
      assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("--debug");
      assertThat(r.out()).doesNotContain("\tat ").doesNotContain("Exception");
    }
  }

  String id(String fileName) {
    JsonObject page = new JsonObject(library("list", "--json").out());
    for (Object o : page.getJsonArray("items")) {
      JsonObject item = (JsonObject) o;
      if (item.getString("fileName").equals(fileName)) {
        return item.getString("id");
      }
    }
    throw new AssertionError(fileName + " not listed");
  }

  // ---------------------------------------------------------------- scan

  @Test
  void scan_printsTheReport_andListsBrokenFilesWithReasons() {
    assertThat(firstScan.exit()).as(firstScan.err()).isZero();
    String out = firstScan.out();
    assertThat(out).startsWith("Scanned 1 folder in ").contains(": 5 video files");
    assertThat(out).contains("added 5, changed 0, moved 0, removed 0, unchanged 0");
    assertThat(out).contains("probed 5; 2 broken in the library");
    assertThat(out).containsPattern("(?m)^  broken: Empty\\.mp4: .*empty");
    assertThat(out).containsPattern("(?m)^  broken: Notes\\.mkv: \\S.*");
    assertThat(out.lines().filter(l -> l.startsWith("  broken: "))).hasSize(2);
    assertThat(firstScan.err()).isEmpty();
  }

  @Test
  void scan_json_parsesAndHasCounts() {
    Path freshData = dir.resolve("data-json");
    Run r = run("library", "scan", "--json", "--config", config.toString(), "--media", media.toString(),
        "--data", freshData.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonObject report = new JsonObject(r.out());
    assertThat(report.getInteger("folders")).isEqualTo(1);
    assertThat(report.getInteger("files")).isEqualTo(5);
    assertThat(report.getInteger("added")).isEqualTo(5);
    assertThat(report.getInteger("changed")).isZero();
    assertThat(report.getInteger("moved")).isZero();
    assertThat(report.getInteger("removed")).isZero();
    assertThat(report.getInteger("unchanged")).isZero();
    assertThat(report.getInteger("probed")).isEqualTo(5);
    assertThat(report.getInteger("broken")).isEqualTo(2);
    JsonArray broken = report.getJsonArray("brokenFiles");
    assertThat(broken).hasSize(2);
    List<String> names = new ArrayList<>();
    for (Object o : broken) {
      JsonObject b = (JsonObject) o;
      names.add(b.getString("fileName"));
      assertThat(b.getString("reason")).isNotBlank();
      assertThat(b.getString("id")).matches("[A-Za-z0-9_-]+");
    }
    assertThat(names).containsExactlyInAnyOrder("Empty.mp4", "Notes.mkv");
    assertThat(report.getJsonArray("problems")).isEmpty();
    assertThat(report.getDouble("seconds")).isGreaterThanOrEqualTo(0.0);
  }

  @Test
  void scan_again_reportsEverythingUnchanged() {
    Run r = library("scan", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonObject report = new JsonObject(r.out());
    assertThat(report.getInteger("files")).isEqualTo(5);
    assertThat(report.getInteger("unchanged")).isEqualTo(5);
    assertThat(report.getInteger("added")).isZero();
    assertThat(report.getInteger("changed")).isZero();
    assertThat(report.getInteger("probed")).isZero();
    assertThat(report.getInteger("broken")).as("broken in the library, not just in this scan").isEqualTo(2);
    Run text = library("scan");
    assertThat(text.exit()).isZero();
    assertThat(text.out()).contains("added 0, changed 0, moved 0, removed 0, unchanged 5");
  }

  @Test
  void scan_twoFolders_withRepeatedMedia() throws Exception {
    Path other = Files.createDirectories(dir.resolve("other-media"));
    Files.copy(media.resolve(BIG), other.resolve("Copy.Of.Big.mp4"));
    Path freshData = dir.resolve("data-two");
    Run r = run("library", "scan", "--json", "--config", config.toString(), "--media", media.toString(),
        "--media", other.toString(), "--data", freshData.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonObject report = new JsonObject(r.out());
    assertThat(report.getInteger("folders")).isEqualTo(2);
    assertThat(report.getInteger("files")).isEqualTo(6);
    Run list = run("library", "list", "--json", "--config", config.toString(), "--media", media.toString(),
        "--media", other.toString(), "--data", freshData.toString());
    assertThat(new JsonObject(list.out()).getInteger("total")).isEqualTo(6);
    // Listing with only the first folder shows only its videos.
    Run one = run("library", "list", "--json", "--config", config.toString(), "--media", media.toString(),
        "--data", freshData.toString());
    assertThat(new JsonObject(one.out()).getInteger("total")).isEqualTo(5);
  }

  @Test
  void scan_withoutAnyFolder_isUsageError_namingMedia() {
    Run r = run("library", "scan", "--config", config.toString(), "--data", dir.resolve("data-none").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("kanal: ").contains("--media");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void scan_ofAMissingFolder_fails_namingIt() {
    Path missing = dir.resolve("does").resolve("not").resolve("exist");
    Run r = run("library", "scan", "--config", config.toString(), "--media", missing.toString(),
        "--data", dir.resolve("data-missing").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("kanal: ").contains(missing.toString());
    assertThat(r.err().lines()).hasSize(1);
    Run absolute = run("library", "scan", "--config", config.toString(), "--media", "/does/not/exist",
        "--data", dir.resolve("data-missing").toString());
    assertThat(absolute.exit()).isEqualTo(1);
    assertThat(absolute.err()).contains("/does/not/exist");
  }

  // ---------------------------------------------------------------- list

  @Test
  void list_json_isTheApiShape() throws Exception {
    Run r = library("list", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonObject page = new JsonObject(r.out());
    assertThat(page.getInteger("total")).isEqualTo(5);
    JsonArray items = page.getJsonArray("items");
    assertThat(items).hasSize(5);
    List<String> titles = new ArrayList<>();
    for (Object o : items) {
      JsonObject item = (JsonObject) o;
      assertThat(item.fieldNames()).containsAll(List.of("id", "title", "fileName", "duration", "width", "height", "size",
          "posterUrl", "status"));
      assertThat(item.fieldNames()).doesNotContain("path");
      titles.add(item.getString("title"));
    }
    assertThat(titles).containsExactly("Amélie 2001", "Big Buck Bunny 2008", "Empty", "Notes", "Short Clip");
    JsonObject big = (JsonObject) items.getValue(1);
    assertThat(big.getString("fileName")).isEqualTo(BIG);
    assertThat(big.getInteger("width")).isEqualTo(160);
    assertThat(big.getInteger("height")).isEqualTo(90);
    assertThat(big.getLong("size")).isEqualTo(Files.size(media.resolve(BIG)));
    assertThat(big.getDouble("duration")).isBetween(7.5, 8.5);
    assertThat(big.getString("status")).isEqualTo("ok");
    assertThat(big.getString("posterUrl")).isEqualTo("/api/videos/" + big.getString("id") + "/poster.jpg");
    assertThat(r.out()).doesNotContain(media.toString());
  }

  @Test
  void list_text_hasAHeaderAndOneLinePerVideo() {
    Run r = library("list");
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.getFirst()).startsWith("ID").contains("DURATION").contains("STATUS").contains("TITLE");
    assertThat(lines).hasSize(7);
    assertThat(lines.getLast()).isEqualTo("5 of 5 videos");
    assertThat(r.out()).containsPattern("(?m)^\\S+\\s+0:08\\s+160x90\\s+\\d+\\s+ok\\s+Big Buck Bunny 2008$");
    assertThat(r.out()).containsPattern("(?m)^\\S+\\s+-\\s+\\d+\\s+broken\\s+Empty$");
  }

  @Test
  void list_sortByDurationDescending() {
    Run r = library("list", "--sort", "duration", "--desc");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(titles(r.out())).containsExactly("Big Buck Bunny 2008", "Amélie 2001", "Short Clip", "Empty", "Notes");
    Run asc = library("list", "--sort", "DURATION");
    assertThat(titles(asc.out())).containsExactly("Short Clip", "Amélie 2001", "Big Buck Bunny 2008", "Empty", "Notes");
  }

  @Test
  void list_filters_queryStatusAndPaging() {
    assertThat(titles(library("list", "-q", "amelie").out())).containsExactly("Amélie 2001");
    assertThat(titles(library("list", "--query", "AMÉLIE").out())).containsExactly("Amélie 2001");
    assertThat(titles(library("list", "--status", "broken").out())).containsExactly("Empty", "Notes");
    Run page = library("list", "--limit", "2", "--offset", "2");
    assertThat(titles(page.out())).containsExactly("Empty", "Notes");
    assertThat(page.out()).contains("2 of 5 videos");
  }

  @Test
  void list_badOptions_areUsageErrors() {
    Run sort = library("list", "--sort", "nope");
    assertThat(sort.exit()).isEqualTo(2);
    assertThat(sort.err()).startsWith("kanal: ").contains("--sort");
    Run limit = library("list", "--limit", "0");
    assertThat(limit.exit()).isEqualTo(2);
    assertThat(limit.err()).startsWith("kanal: ").contains("--limit");
    Run status = library("list", "--status", "weird");
    assertThat(status.exit()).isEqualTo(2);
  }

  /** The titles of a text listing, in order. */
  static List<String> titles(String listing) {
    Pattern row = Pattern.compile("^\\S+\\s+\\S+\\s+.*?\\s+\\d+\\s+(ok|broken|pending)\\s+(.+)$");
    List<String> out = new ArrayList<>();
    for (String line : listing.lines().toList()) {
      Matcher m = row.matcher(line);
      if (m.matches()) {
        out.add(m.group(2));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- info

  @Test
  void info_text_showsTheVideo() {
    String id = id(BIG);
    Run r = library("info", id);
    assertThat(r.exit()).as(r.err()).isZero();
    String out = r.out();
    assertThat(out.lines().findFirst()).contains("Big Buck Bunny 2008");
    assertThat(out).contains("  id          " + id);
    assertThat(out).contains("  file        " + BIG);
    assertThat(out).contains("  status      ok");
    assertThat(out).contains("  duration    0:08");
    assertThat(out).containsPattern("stream 0\\s+video h264.* 160x90 10(\\.0)? fps");
    assertThat(out).containsPattern("stream 1\\s+audio aac.* 1 ch");
    assertThat(out).contains("  play        /media/" + id + "/file");
    assertThat(out).doesNotContain(media.toString());
  }

  @Test
  void info_ofAVideoInAFolder_showsTheFolderRelativeToTheLibrary() {
    Run r = library("info", id(SHORT));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("  file        Extras/" + SHORT);
  }

  @Test
  void info_ofABrokenVideo_showsTheReason() {
    Run r = library("info", id("Empty.mp4"));
    assertThat(r.exit()).isZero();
    assertThat(r.out()).containsPattern("  status      broken: .*empty");
  }

  @Test
  void info_json_isTheApiDetails() {
    String id = id(AMELIE);
    Run r = library("info", id, "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonObject d = new JsonObject(r.out());
    assertThat(d.getString("id")).isEqualTo(id);
    assertThat(d.getString("title")).isEqualTo("Amélie 2001");
    assertThat(d.getString("fileName")).isEqualTo(AMELIE);
    assertThat(d.getString("status")).isEqualTo("ok");
    assertThat(d.getJsonArray("streams")).hasSize(2);
    JsonObject video = d.getJsonArray("streams").getJsonObject(0);
    assertThat(video.getString("codec")).isEqualTo("h264");
    assertThat(video.getInteger("width")).isEqualTo(320);
    JsonObject file = d.getJsonObject("playback").getJsonObject("file");
    assertThat(file.getString("url")).isEqualTo("/media/" + id + "/file");
    assertThat(file.getBoolean("browserPlayable")).isFalse();
    assertThat(r.out()).doesNotContain(media.toString());
  }

  @Test
  void info_ofAnUnknownId_isOneLineAndExit1() {
    Run r = library("info", "nope");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("kanal: no video with id 'nope'");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.out()).isEmpty();
    Run json = library("info", "nope", "--json");
    assertThat(json.exit()).isEqualTo(1);
    assertThat(json.err()).startsWith("kanal: no video with id 'nope'");
  }

  @Test
  void info_withoutAnId_isUsageError() {
    Run r = library("info");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("kanal: ").contains("ID");
  }

  @Test
  void library_withoutASubcommand_isUsageError() {
    Run r = run("library");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("scan, list, info or package");
  }
}
