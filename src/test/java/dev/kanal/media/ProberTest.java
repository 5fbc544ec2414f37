package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kanal.testing.TestVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ffprobe output to {@link MediaInfo}, and the reasons given for broken files. */
class ProberTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void parse_readsStreamsHdrChaptersAndCoverPictures() throws Exception {
    String json = """
        {"streams": [
          {"index": 0, "codec_type": "video", "codec_name": "hevc", "profile": "Main 10", "level": 153,
           "width": 3840, "height": 2160, "avg_frame_rate": "24000/1001", "r_frame_rate": "24000/1001",
           "pix_fmt": "yuv420p10le", "color_transfer": "smpte2084", "bit_rate": "40000000",
           "disposition": {"default": 1, "attached_pic": 0}},
          {"index": 1, "codec_type": "audio", "codec_name": "eac3", "channels": 6, "channel_layout": "5.1(side)",
           "tags": {"language": "deu", "title": "Deutsch"}, "disposition": {"default": 0}},
          {"index": 2, "codec_type": "video", "codec_name": "mjpeg", "width": 600, "height": 900,
           "avg_frame_rate": "0/0", "disposition": {"attached_pic": 1}},
          {"index": 3, "codec_type": "video", "codec_name": "h264", "width": 1920, "height": 1080,
           "avg_frame_rate": "0/0", "r_frame_rate": "25/1", "color_transfer": "arib-std-b67"},
          {"index": 4, "codec_type": "subtitle", "codec_name": "subrip", "tags": {"language": "eng"}}
        ],
        "chapters": [{"start_time": "0.000000", "end_time": "600.5", "tags": {"title": "Opening"}},
                     {"start_time": "600.5", "end_time": "N/A"}],
        "format": {"format_name": "matroska,webm", "duration": "7200.250000", "bit_rate": "unknown"}}
        """;
    MediaInfo info = Prober.parse(JSON.readTree(json));

    assertThat(info.container()).isEqualTo("matroska,webm");
    assertThat(info.duration()).isEqualTo(7200.25);
    assertThat(info.bitRate()).isNull();
    MediaInfo.Stream video = info.video().orElseThrow();
    assertThat(video.codec()).isEqualTo("hevc");
    assertThat(video.profile()).isEqualTo("Main 10");
    assertThat(video.level()).isEqualTo(153);
    assertThat(video.frameRate()).isEqualTo(23.976);
    assertThat(video.hdr()).isEqualTo("PQ");
    assertThat(video.bitRate()).isEqualTo(40_000_000L);
    assertThat(video.isDefault()).isTrue();
    MediaInfo.Stream audio = info.audio().orElseThrow();
    assertThat(audio.channels()).isEqualTo(6);
    assertThat(audio.channelLayout()).isEqualTo("5.1(side)");
    assertThat(audio.language()).isEqualTo("deu");
    assertThat(audio.title()).isEqualTo("Deutsch");
    assertThat(info.streams().get(2).type()).isEqualTo("picture");
    assertThat(info.streams().get(3).frameRate()).as("falls back to r_frame_rate").isEqualTo(25.0);
    assertThat(info.streams().get(3).hdr()).isEqualTo("HLG");
    assertThat(info.streams().get(4).type()).isEqualTo("subtitle");
    assertThat(info.chapters()).hasSize(2);
    assertThat(info.chapters().get(0).title()).isEqualTo("Opening");
    assertThat(info.chapters().get(1).end()).isZero();
  }

  @Test
  void parse_toleratesEmptyAndOddOutput() throws Exception {
    MediaInfo empty = Prober.parse(JSON.readTree("{}"));
    assertThat(empty.streams()).isEmpty();
    assertThat(empty.duration()).isNull();
    MediaInfo odd = Prober.parse(JSON.readTree(
        "{\"streams\": [{\"width\": -5, \"level\": -99, \"avg_frame_rate\": \"1/0\"}], \"format\": {\"duration\": \"-1\"}}"));
    assertThat(odd.streams().get(0).type()).isEqualTo("data");
    assertThat(odd.streams().get(0).width()).isNull();
    assertThat(odd.streams().get(0).level()).isNull();
    assertThat(odd.duration()).isNull();
  }

  @Test
  void reason_prefersTheDemuxerMessage_andDropsPaths() {
    Path file = Path.of("/srv/media/Films/notes.mkv");
    String stderr = """
        Truncating packet of size 11372 to 6888
        [matroska,webm @ 0x55af9754f1c0] EBML header parsing failed
        /srv/media/Films/notes.mkv: Invalid data found when processing input
        """;
    assertThat(Prober.reason(stderr, file)).isEqualTo("EBML header parsing failed (Invalid data found when processing input)");
    assertThat(Prober.reason("notes.mkv: No such file or directory\n", file)).isEqualTo("No such file or directory");
    assertThat(Prober.reason("", file)).isEqualTo("ffprobe cannot read it");
    assertThat(Prober.reason("x".repeat(1000), file)).hasSize(303);
  }

  @Test
  void probe_ofRealFiles() throws Exception {
    Prober prober = new Prober(Path.of("ffprobe"), Duration.ofSeconds(30));
    MediaInfo info = prober.probe(TestVideos.mp4());
    assertThat(info.video().orElseThrow().codec()).isEqualTo("h264");
    assertThat(info.duration()).isBetween(11.5, 12.5);

    Path empty = Files.write(dir.resolve("empty.mp4"), new byte[0]);
    assertThatThrownBy(() -> prober.probe(empty)).isInstanceOf(Prober.BrokenMediaException.class).hasMessage("empty file (0 bytes)");
    Path text = Files.writeString(dir.resolve("text.webm"), "hello\n".repeat(500));
    assertThatThrownBy(() -> prober.probe(text)).isInstanceOf(Prober.BrokenMediaException.class)
        .message().doesNotContain(dir.toString());
    Path subtitlesOnly = dir.resolve("subs.mkv");
    Files.writeString(dir.resolve("s.srt"), "1\n00:00:01,000 --> 00:00:02,000\nHello\n");
    new ProcessBuilder("ffmpeg", "-v", "error", "-i", dir.resolve("s.srt").toString(), "-y", subtitlesOnly.toString())
        .inheritIO().start().waitFor();
    assertThatThrownBy(() -> prober.probe(subtitlesOnly)).isInstanceOf(Prober.BrokenMediaException.class)
        .hasMessageStartingWith("no video or audio stream");
  }

  @Test
  void probe_withoutFfprobe_isAToolError() {
    Prober prober = new Prober(dir.resolve("no-such-ffprobe"), Duration.ofSeconds(5));
    assertThatThrownBy(() -> prober.probe(TestVideos.mp4())).isInstanceOf(MediaToolException.class)
        .hasMessageContaining("cannot run");
  }
}
