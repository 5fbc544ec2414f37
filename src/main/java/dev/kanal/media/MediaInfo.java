package dev.kanal.media;

import java.util.List;
import java.util.Optional;

/**
 * What ffprobe says about a media file, reduced to what Kanal shows and decides on. Absent values
 * are {@code null} (ffprobe leaves many fields out for some containers and codecs).
 *
 * @param container the container format names, e.g. {@code mov,mp4,m4a,3gp,3g2,mj2} or {@code matroska,webm}
 * @param duration the duration in seconds
 * @param bitRate the overall bit rate in bits per second
 * @param streams the streams in file order
 * @param chapters the chapters in time order
 */
public record MediaInfo(String container, Double duration, Long bitRate, List<Stream> streams, List<Chapter> chapters) {

  public MediaInfo {
    streams = List.copyOf(streams);
    chapters = List.copyOf(chapters);
  }

  /**
   * One stream.
   *
   * @param index its index in the file
   * @param type {@code video}, {@code audio}, {@code subtitle}, {@code data}, {@code attachment}, or
   *     {@code picture} (a cover image stored as a video stream)
   * @param codec the codec name, e.g. {@code h264}, {@code hevc}, {@code aac}
   * @param profile the codec profile, e.g. {@code High}, {@code Main 10}
   * @param level the codec level as ffprobe reports it (e.g. 41 for H.264 4.1, 153 for HEVC 5.1)
   * @param width the coded width in pixels (video)
   * @param height the coded height in pixels (video)
   * @param frameRate frames per second (video, from the average frame rate)
   * @param bitRate bits per second
   * @param pixelFormat e.g. {@code yuv420p}, {@code yuv420p10le} (video)
   * @param hdr {@code PQ} (HDR10, SMPTE ST 2084), {@code HLG} (ARIB STD-B67), or null for SDR (video)
   * @param channels audio channels
   * @param channelLayout e.g. {@code stereo}, {@code 5.1(side)} (audio)
   * @param language the ISO 639 language tag, e.g. {@code eng}
   * @param title the stream title tag
   * @param isDefault whether the stream has the default disposition
   */
  public record Stream(int index, String type, String codec, String profile, Integer level, Integer width,
      Integer height, Double frameRate, Long bitRate, String pixelFormat, String hdr, Integer channels,
      String channelLayout, String language, String title, boolean isDefault) {}

  /**
   * One chapter.
   *
   * @param start its start in seconds
   * @param end its end in seconds
   * @param title its title, or null
   */
  public record Chapter(double start, double end, String title) {}

  /** The first video stream (cover pictures are typed {@code picture}, not video), if any. */
  public Optional<Stream> video() {
    return streams.stream().filter(s -> "video".equals(s.type())).findFirst();
  }

  /** The first audio stream, if any. */
  public Optional<Stream> audio() {
    return streams.stream().filter(s -> "audio".equals(s.type())).findFirst();
  }
}
