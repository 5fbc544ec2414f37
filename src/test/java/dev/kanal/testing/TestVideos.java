package dev.kanal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Small real videos made once per test run with the ffmpeg on PATH (12 s of a 160x90 test pattern
 * with a tone), cached in a temporary folder, plus broken files for the scanner: a truncated mp4, a
 * zero-byte file and a text file renamed .mkv.
 */
public final class TestVideos {

  private static Path dir;

  private TestVideos() {}

  /** H.264 and AAC in MP4 (moov at the end). */
  public static synchronized Path mp4() {
    return make("clip.mp4", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac");
  }

  /** H.264 and AAC in MP4 with the moov box first ("fast start"). */
  public static synchronized Path faststartMp4() {
    return make("faststart.mp4", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-movflags", "+faststart");
  }

  /** MPEG-4 Part 2 and MP3 in Matroska, with two chapters. */
  public static synchronized Path mkv() {
    return make("clip.mkv", "-c:v", "mpeg4", "-c:a", "libmp3lame");
  }

  /** H.264 and AAC in MPEG-TS. */
  public static synchronized Path ts() {
    return make("clip.ts", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac");
  }

  private static Path make(String name, String... codec) {
    try {
      if (dir == null) {
        dir = Files.createTempDirectory("kanal-test-videos-");
        dir.toFile().deleteOnExit();
      }
      Path out = dir.resolve(name);
      if (Files.isRegularFile(out)) {
        return out;
      }
      List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
          "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=12",
          "-f", "lavfi", "-i", "sine=frequency=440:duration=12"));
      if (name.endsWith(".mkv")) {
        Path meta = dir.resolve("chapters.txt");
        Files.writeString(meta, ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=6000\ntitle=One\n"
            + "[CHAPTER]\nTIMEBASE=1/1000\nSTART=6000\nEND=12000\ntitle=Two\n");
        cmd.addAll(List.of("-f", "ffmetadata", "-i", meta.toString(), "-map", "0:v", "-map", "1:a", "-map_chapters", "2"));
      }
      cmd.addAll(List.of(codec));
      cmd.addAll(List.of("-shortest", "-y", out.toString()));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String log = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("ffmpeg failed to make " + name + ": " + log);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Writes the three broken files of the issue into {@code dir}: truncated.mp4, empty.mp4 and notes.mkv. */
  public static void writeBroken(Path dir) throws IOException {
    byte[] full = Files.readAllBytes(mp4());
    Files.write(dir.resolve("truncated.mp4"), Arrays.copyOf(full, full.length / 3));
    Files.write(dir.resolve("empty.mp4"), new byte[0]);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      text.append("This is line ").append(i).append(" of a text file, not a video.\n");
    }
    Files.writeString(dir.resolve("notes.mkv"), text);
  }
}
