package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kanal.config.KanalConfig.FfmpegConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegLocatorTest {

  @TempDir
  Path dir;

  private Path fakeExecutable(Path folder, String name) throws IOException {
    Files.createDirectories(folder);
    Path file = folder.resolve(name);
    Files.writeString(file, "#!/bin/sh\necho \"" + name + " version fake-1.0\"\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @Test
  void locate_prefersPath() throws Exception {
    Path bin = dir.resolve("bin");
    fakeExecutable(bin, "ffmpeg");
    fakeExecutable(bin, "ffprobe");
    Ffmpeg found = FfmpegLocator.locate(new FfmpegConfig("", ""), dir, "/nonexistent:" + bin);
    assertThat(found).isEqualTo(new Ffmpeg(bin.resolve("ffmpeg"), bin.resolve("ffprobe"), "PATH"));
    assertThat(FfmpegLocator.version(found.ffmpeg())).isEqualTo("ffmpeg version fake-1.0");
  }

  @Test
  void locate_prefersConfiguredPaths() throws Exception {
    Path a = fakeExecutable(dir.resolve("a"), "ffmpeg");
    Path b = fakeExecutable(dir.resolve("b"), "ffprobe");
    Ffmpeg found = FfmpegLocator.locate(new FfmpegConfig(a.toString(), b.toString()), dir, "");
    assertThat(found).isEqualTo(new Ffmpeg(a, b, "config"));
  }

  @Test
  void locate_withConfiguredPathThatIsNotExecutable_namesTheKey() throws IOException {
    Path notExecutable = Files.writeString(dir.resolve("ffmpeg"), "");
    assertThatThrownBy(() -> FfmpegLocator.locate(new FfmpegConfig(notExecutable.toString(), ""), dir, ""))
        .isInstanceOf(MediaToolException.class)
        .hasMessage("ffmpeg.ffmpegPath: " + notExecutable + " is not an executable file");
  }

  @Test
  void locate_withoutPath_extractsTheBundledBuildIntoTheDataDir() throws Exception {
    Ffmpeg bundled = FfmpegLocator.locate(new FfmpegConfig("", ""), dir, "");
    assertThat(bundled.source()).isEqualTo("bundled");
    assertThat(bundled.ffmpeg()).startsWith(FfmpegLocator.bundledCache(dir));
    assertThat(FfmpegLocator.version(bundled.ffmpeg())).startsWith("ffmpeg version");
    assertThat(FfmpegLocator.version(bundled.ffprobe())).startsWith("ffprobe version");
  }
}
