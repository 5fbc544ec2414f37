package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.PackageCheck;
import dev.kanal.testing.PackagingVideos;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kanal library package} without a running server: the jobs run in the command's process,
 * which waits and prints progress; a second request for the same file does not package it again.
 */
class PackageCommandTest {

  @TempDir
  Path dir;

  record Run(int exit, String out, String err) {}

  static Run exec(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KanalCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  Run library(Path config, Path media, Path data, String... args) {
    List<String> all = new ArrayList<>(List.of("library"));
    all.addAll(List.of(args));
    all.addAll(List.of("--config", config.toString(), "--media", media.toString(), "--data", data.toString()));
    return exec(all.toArray(String[]::new));
  }

  @Test
  @Timeout(180)
  void package_withoutServer_runsInProcess_isIdempotent_andRefusesUnknownIds() throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    Path data = dir.resolve("data");
    Files.copy(PackagingVideos.h264_720p(), media.resolve("Clip.720p.mp4"));
    Files.writeString(media.resolve("Broken.mkv"), "not a video\n".repeat(200));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // nothing listens there: no server to hand the jobs to
    }
    Path config = Files.writeString(dir.resolve("kanal.yaml"), "server:\n  port: " + port + "\n");
    assertThat(library(config, media, data, "scan").exit()).isZero();
    JsonArray items = new JsonObject(library(config, media, data, "list", "--json").out()).getJsonArray("items");
    String id = items.stream().map(o -> (JsonObject) o).filter(o -> o.getString("status").equals("ok"))
        .findFirst().orElseThrow().getString("id");
    String broken = items.stream().map(o -> (JsonObject) o).filter(o -> o.getString("status").equals("broken"))
        .findFirst().orElseThrow().getString("id");

    Run usage = library(config, media, data, "package");
    assertThat(usage.exit()).isEqualTo(2);
    Run unknown = library(config, media, data, "package", "Znosuchvideo");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("no video with id 'Znosuchvideo'").doesNotContain("Exception");

    Run first = library(config, media, data, "package", id, "--json");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.err()).contains(id + ": packaging").contains(id + ": published");
    JsonObject status = new JsonArray(first.out()).getJsonObject(0);
    assertThat(status.getString("state")).isEqualTo("published");
    assertThat(status.getDouble("progress")).isEqualTo(100.0);
    Path pkg = data.resolve("packages").resolve(id);
    PackageCheck.Result r = PackageCheck.check(pkg);
    assertThat(r.names()).containsExactly("720p", "480p");
    try (var s = Files.list(data.resolve("packages"))) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).as("no temporary folder left").containsExactly(id);
    }
    String job = Files.readString(pkg.resolve("job.json"));
    long segmentTime = Files.getLastModifiedTime(pkg.resolve("480p").resolve("seg_00000.ts")).toMillis();

    // Same file, same settings: nothing runs again.
    Run again = library(config, media, data, "package", id);
    assertThat(again.exit()).isZero();
    assertThat(again.out()).contains(id + ": published").doesNotContain("packaging");
    assertThat(Files.readString(pkg.resolve("job.json"))).isEqualTo(job);
    assertThat(Files.getLastModifiedTime(pkg.resolve("480p").resolve("seg_00000.ts")).toMillis()).isEqualTo(segmentTime);

    // A broken file is refused with its reason; --all skips it and finds the one already published.
    Run refused = library(config, media, data, "package", broken);
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.out()).contains(broken + ": failed: video '" + broken + "' cannot be packaged");
    Run everything = library(config, media, data, "package", "--all");
    assertThat(everything.exit()).isZero();
    assertThat(everything.out()).contains(id + ": published").doesNotContain(broken);
  }
}
