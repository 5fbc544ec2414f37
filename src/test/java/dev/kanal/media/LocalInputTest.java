package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Library files are hostile input too (issue #13): a "video" that is really an HLS playlist or an
 * ffconcat script must not make ffmpeg read a file outside the library (a canary holding a random
 * secret in its H.264 SEI, which stream copy carries into any output) or a URL; a file named like an
 * option is still a file.
 */
class LocalInputTest {

  static final String SECRET = "KANAL-CANARY-" + UUID.randomUUID().toString().replace("-", "");
  @TempDir static Path dir;
  static Path canary;
  static Path library;

  @BeforeAll
  static void canary() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    canary = outside.resolve("secret.ts");
    // The secret, repeated so that one copy lies whole inside one 184-byte TS payload whatever the cut.
    run(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=10:duration=2",
        "-c:v", "libx264", "-bsf:v", "h264_metadata=sei_user_data=086f3693-b7b3-4f2c-9653-21492feee5b8+"
            + SECRET.repeat(8), "-f", "mpegts", canary.toString()));
    assertThat(contains(canary)).as("the canary carries the secret").isTrue();
    library = Files.createDirectories(dir.resolve("library"));
  }

  static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.waitFor();
  }

  static boolean contains(Path file) throws IOException {
    return Files.exists(file) && new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(SECRET);
  }

  static Path hlsDisguisedAsMp4(String name) throws IOException {
    return Files.writeString(library.resolve(name), """
        #EXTM3U
        #EXT-X-TARGETDURATION:2
        #EXTINF:2,
        %s
        #EXTINF:2,
        file://%s
        #EXT-X-ENDLIST
        """.formatted(canary, canary));
  }

  static Path copy(List<String> input, String name) throws IOException, InterruptedException {
    Path out = dir.resolve(name);
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
    cmd.addAll(input);
    cmd.addAll(List.of("-c", "copy", "-f", "mpegts", out.toString()));
    run(cmd);
    return out;
  }

  @Test
  void libraryInput_hlsPlaylistDisguisedAsVideo_readsNothingOutsideTheLibrary() throws Exception {
    Path evil = hlsDisguisedAsMp4("film.mp4");
    assertThat(contains(copy(List.of("-i", evil.toString()), "plain.ts")))
        .as("without the whitelists ffmpeg follows the playlist to the canary: the test is meaningful").isTrue();
    assertThat(contains(copy(LocalInput.library(evil), "guarded.ts"))).isFalse();
  }

  @Test
  void libraryInput_ffconcatScriptDisguisedAsVideo_readsNothing() throws Exception {
    Path evil = Files.writeString(library.resolve("concat.mkv"), "ffconcat version 1.0\nfile '" + canary + "'\n");
    assertThat(contains(copy(LocalInput.library(evil), "concat.ts"))).isFalse();
  }

  @Test
  void prober_hlsPlaylistDisguisedAsVideo_isBroken() throws Exception {
    Path evil = hlsDisguisedAsMp4("probed.mp4");
    Prober prober = new Prober(Path.of("ffprobe"), Duration.ofSeconds(20));
    assertThatThrownBy(() -> prober.probe(evil)).isInstanceOf(Prober.BrokenMediaException.class)
        .hasMessageNotContaining(dir.toString());
  }

  @Test
  void libraryInput_fileNamedLikeAnOption_isReadAsAFile() throws Exception {
    for (String name : List.of("-y.ts", "-i", "a:b.ts", "concat:x.ts")) {
      Path odd = library.resolve(name);
      Files.copy(canary, odd, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Prober prober = new Prober(Path.of("ffprobe"), Duration.ofSeconds(20));
      MediaInfo info = prober.probe(odd);
      assertThat(info.streams()).as(name).isNotEmpty();
      assertThat(LocalInput.path(odd)).startsWith("/");
    }
  }
}
