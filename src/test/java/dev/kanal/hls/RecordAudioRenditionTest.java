package dev.kanal.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.media.Ffmpeg;
import dev.kanal.testing.HlsMedia;
import dev.kanal.testing.HlsTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A variant without audio and an EXT-X-MEDIA TYPE=AUDIO rendition: both downloaded and muxed into one file. */
class RecordAudioRenditionTest {

  @TempDir
  static Path media;

  @TempDir
  Path out;

  static HlsTestServer server;
  static Ffmpeg ffmpeg = new Ffmpeg(Path.of("ffmpeg"), Path.of("ffprobe"), "PATH");

  @BeforeAll
  static void generate() throws Exception {
    server = HlsTestServer.start(media);
    Path src = HlsMedia.source(media.resolve("src.mp4"), 6, "testsrc2", 10, 1, 440);
    HlsMedia.hls(src, media.resolve("video"), 1, List.of("-an"));
    HlsMedia.hls(src, media.resolve("audio"), 1, List.of("-vn"));
    Files.writeString(media.resolve("master.m3u8"), """
        #EXTM3U
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="audio/index.m3u8"
        #EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=160x90,CODECS="avc1.42c00d,mp4a.40.2",AUDIO="aud"
        video/index.m3u8
        """);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void recordMp4_muxesTheVideoVariantWithTheAudioRendition() throws Exception {
    Path file = out.resolve("av.mp4");
    RecordSummary s = HlsRecorder.create(RecordOptions.builder().build())
        .record(server.uri("/master.m3u8"), RecordTarget.file(file, RecordTarget.Format.MP4, Optional.of(ffmpeg)),
            RecordListener.NONE);

    assertThat(s.outputs()).containsExactly(file);
    assertThat(s.gaps()).isEmpty();
    assertThat(server.requests()).contains("/audio/index.m3u8", "/video/index.m3u8");
    String streams = HlsMedia.run(List.of("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,duration",
        "-of", "csv=p=0", file.toString()));
    List<String> lines = streams.lines().map(String::strip).filter(l -> !l.isEmpty()).sorted().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("audio,");
    assertThat(lines.get(1)).startsWith("video,");
    for (String line : lines) {
      double duration = Double.parseDouble(line.split(",")[1]);
      assertThat(duration).as(line).isBetween(5.0, 7.0);
    }
  }
}
