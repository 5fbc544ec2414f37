package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kanal.playlist.MasterPlaylist.Groups;
import dev.kanal.playlist.MasterPlaylist.Resolution;
import dev.kanal.playlist.MasterPlaylist.StreamInfo;
import dev.kanal.playlist.MasterPlaylist.Variant;
import dev.kanal.playlist.MediaPlaylist.Segment;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HlsWriterTest {

  @Test
  void writeMediaPlaylist_messyInput_givesCanonicalText() throws Exception {
    MediaPlaylist p = (MediaPlaylist) Playlists.parse("""
        #EXTM3U
        #Comment
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXT-X-TARGETDURATION:10
        #EXT-X-VERSION:4
        #EXT-X-MEDIA-SEQUENCE:1

        #EXT-X-KEY:METHOD=AES-128,URI="https://k/1",IV=0X10ef8f758ca555115584bb5b3c687f52
        #EXTINF:9.009,  First title
        #EXT-X-BYTERANGE:100@0
        a.ts
        #EXTINF:9.009
        #EXT-X-BYTERANGE:200
        a.ts
        #EXT-X-KEY:METHOD=NONE
        #EXT-X-CUE-IN
        #EXT-X-PROGRAM-DATE-TIME:2020-06-03T14:56:00.100+02:00
        #EXTINF:3.003,
        b.ts
        #EXT-X-ENDLIST
        """);
    assertThat(HlsWriter.toString(p)).isEqualTo("""
        #EXTM3U
        #EXT-X-VERSION:4
        #EXT-X-TARGETDURATION:10
        #EXT-X-MEDIA-SEQUENCE:1
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXT-X-KEY:METHOD=AES-128,URI="https://k/1",IV=0X10ef8f758ca555115584bb5b3c687f52
        #EXTINF:9.009,First title
        #EXT-X-BYTERANGE:100@0
        a.ts
        #EXTINF:9.009,
        #EXT-X-BYTERANGE:200@100
        a.ts
        #EXT-X-CUE-IN
        #EXT-X-KEY:METHOD=NONE
        #EXT-X-PROGRAM-DATE-TIME:2020-06-03T14:56:00.1+02:00
        #EXTINF:3.003,
        b.ts
        #EXT-X-ENDLIST
        """);
  }

  @Test
  void writeMasterPlaylist_model_usesRfcAttributeFormats() throws Exception {
    StreamInfo stream = new StreamInfo(OptionalLong.of(1280000), OptionalLong.of(1000000), Optional.empty(),
        Optional.of("avc1.4d401f,mp4a.40.2"), Optional.empty(), Optional.of(new Resolution(1280, 720)),
        Optional.of(MasterPlaylist.HdcpLevel.TYPE_0), Optional.empty(), Optional.of(MasterPlaylist.VideoRange.SDR),
        Optional.empty(), Optional.empty(), Optional.empty());
    MasterPlaylist p = new MasterPlaylist(HlsHeader.EMPTY.withVersion(6), List.of(new Variant(0, "low/v.m3u8", stream,
        Optional.of(new BigDecimal("29.970")), new Groups(Optional.of("aud"), Optional.empty(), Optional.empty(),
            Optional.empty(), true))), List.of(), List.of(), List.of(), List.of(), Optional.empty(), List.of(), List.of());
    StringBuilder out = new StringBuilder();
    HlsWriter.write(p, out);
    assertThat(out).hasToString("""
        #EXTM3U
        #EXT-X-VERSION:6
        #EXT-X-STREAM-INF:BANDWIDTH=1280000,AVERAGE-BANDWIDTH=1000000,CODECS="avc1.4d401f,mp4a.40.2",\
        RESOLUTION=1280x720,HDCP-LEVEL=TYPE-0,VIDEO-RANGE=SDR,FRAME-RATE=29.970,AUDIO="aud",CLOSED-CAPTIONS=NONE
        low/v.m3u8
        """);
  }

  @Test
  void writeMediaPlaylist_unwritableValues_areRefused() {
    MediaPlaylist quote = single(new Segment(0, 0, "a.ts", BigDecimal.ONE, Optional.empty(), Optional.empty(), false,
        false, Optional.empty(), new MediaPlaylist.Context(List.of(HlsKey.of(HlsKey.Method.AES_128, "k\"x")),
        Optional.empty(), OptionalLong.empty()), List.of(), List.of()));
    assertThatThrownBy(() -> HlsWriter.toString(quote)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("quoted-string");
    MediaPlaylist newline = single(Segment.of(0, "a.ts\n#EXT-X-ENDLIST", BigDecimal.ONE));
    assertThatThrownBy(() -> HlsWriter.toString(newline)).isInstanceOf(IllegalArgumentException.class);
    MediaPlaylist tagAsUri = single(Segment.of(0, "#EXTINF:1,", BigDecimal.ONE));
    assertThatThrownBy(() -> HlsWriter.toString(tagAsUri)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writeMediaPlaylist_unpairedSurrogate_becomesReplacementCharacter() {
    String written = HlsWriter.toString(single(Segment.of(0, "a\uD800b.ts", BigDecimal.ONE)));
    assertThat(written).contains("a\uFFFDb.ts\n");
  }

  private static MediaPlaylist single(Segment segment) {
    return new MediaPlaylist(new HlsHeader(OptionalInt.empty(), false, Optional.empty(), List.of()),
        OptionalLong.of(1), 0, 0, Optional.empty(), true, false, MediaPlaylist.LowLatency.NONE, List.of(segment),
        List.of(), List.of());
  }
}
