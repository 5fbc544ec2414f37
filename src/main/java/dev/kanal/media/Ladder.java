package dev.kanal.media;

import dev.kanal.config.KanalConfig.RungConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Chooses the ABR ladder for one source: the configured rungs the source can fill (never upscaled),
 * each with a decision whether its video and audio can be copied from the source instead of encoded.
 *
 * <p>A rung's height is nominal for a 16:9 picture: its box is {@code height * 16 / 9} (to the nearest even number) by {@code height}
 * (swapped for portrait sources), and the output is the source scaled down to fit that box. A rung is
 * in the ladder when the source reaches the box in width or height, so a 1920x800 film still gets a
 * "1080p" rung of 1920x800 and a 1280x720 source gets no 1080p rung. A source smaller than every box
 * gets one rung at its own size, with the lowest rung's bit rates scaled down by its pixel count.
 */
final class Ladder {

  /** How much a copied source may exceed the rung's bit rate: encoders overshoot targets by this much too. */
  static final double COPY_BITRATE_TOLERANCE = 1.10;
  /** H.264 profiles every HLS player decodes (8-bit 4:2:0). */
  private static final Set<String> COPYABLE_PROFILES = Set.of("constrained baseline", "baseline", "main", "high");
  private static final Set<String> COPYABLE_PIXELS = Set.of("yuv420p", "yuvj420p");

  private Ladder() {}

  /**
   * One rendition of the ladder.
   *
   * @param name the folder and variant name, e.g. {@code 720p}
   * @param boxWidth the width the picture is scaled to fit (even)
   * @param boxHeight the height the picture is scaled to fit (even)
   * @param videoKbps the video bit rate in kbit/s when encoded
   * @param audioKbps the AAC bit rate in kbit/s when encoded
   * @param copyVideo whether the video is the source's stream, copied ({@code -c:v copy})
   * @param copyAudio whether the audio is the source's AAC stream, copied
   */
  record Rung(String name, int boxWidth, int boxHeight, int videoKbps, int audioKbps, boolean copyVideo,
      boolean copyAudio) {

    /** This rung with its video encoded after all. */
    Rung encoded() {
      return new Rung(name, boxWidth, boxHeight, videoKbps, audioKbps, false, copyAudio);
    }
  }

  /**
   * The ladder for a source, highest rung first.
   *
   * @param config the configured rungs (any order)
   * @param info the source as ffprobe saw it; it must have a video stream with a size
   * @throws IllegalArgumentException when the source has no video stream with a known size
   */
  static List<Rung> choose(List<RungConfig> config, MediaInfo info) {
    MediaInfo.Stream video = info.video().filter(v -> v.width() != null && v.height() != null)
        .orElseThrow(() -> new IllegalArgumentException("the source has no video stream with a known picture size"));
    int sw = video.width();
    int sh = video.height();
    boolean portrait = sh > sw;
    List<RungConfig> sorted = config.stream().sorted(Comparator.comparingInt(RungConfig::height).reversed()).toList();
    List<Rung> rungs = new ArrayList<>();
    for (RungConfig rc : sorted) {
      int boxLong = nearestEven(rc.height() * 16 / 9.0);
      int boxShort = even(rc.height());
      int bw = portrait ? boxShort : boxLong;
      int bh = portrait ? boxLong : boxShort;
      if (sw < bw && sh < bh) {
        continue; // the source does not fill this box: it would be upscaled
      }
      String name = rc.height() + "p";
      if (rungs.stream().anyMatch(r -> r.name().equals(name))) {
        continue;
      }
      rungs.add(new Rung(name, bw, bh, rc.videoKbps(), rc.audioKbps(), false, false));
    }
    if (rungs.isEmpty()) {
      RungConfig lowest = sorted.getLast();
      double lowestPixels = lowest.height() * (lowest.height() * 16 / 9.0);
      double share = Math.min(1.0, (double) sw * sh / lowestPixels);
      int kbps = Math.max(100, (int) Math.round(lowest.videoKbps() * share));
      rungs.add(new Rung(Math.min(sw, sh) + "p", even(sw), even(sh), kbps, lowest.audioKbps(), false, false));
    }
    // Copy what needs no work: the source's H.264 where it fits a rung exactly and is within its bit rate.
    String videoBlocker = videoCopyBlocker(video);
    long sourceVideoBps = videoBitRate(info, video);
    List<Rung> out = new ArrayList<>();
    boolean copied = false;
    for (Rung r : rungs) {
      boolean fits = outputSize(sw, sh, r)[0] == sw && outputSize(sw, sh, r)[1] == sh;
      boolean copyVideo = !copied && videoBlocker == null && fits && sourceVideoBps > 0
          && sourceVideoBps <= r.videoKbps() * 1000L * COPY_BITRATE_TOLERANCE;
      copied |= copyVideo;
      out.add(new Rung(r.name(), r.boxWidth(), r.boxHeight(), r.videoKbps(), r.audioKbps(), copyVideo, false));
    }
    // Audio is copied into every rung or none: copied and encoded AAC start at different times (encoder
    // priming), and the muxer's cuts count from each rendition's first packet.
    boolean copyAudio = info.audio().isPresent()
        && out.stream().allMatch(r -> audioCopyable(info.audio().get(), r.audioKbps()));
    if (copyAudio) {
      out.replaceAll(r -> new Rung(r.name(), r.boxWidth(), r.boxHeight(), r.videoKbps(), r.audioKbps(),
          r.copyVideo(), true));
    }
    return List.copyOf(out);
  }

  /** Why the source's video cannot be copied into any rung, or null when it can (size and bit rate permitting). */
  static String videoCopyBlocker(MediaInfo.Stream video) {
    if (!"h264".equals(video.codec())) {
      return "the source is " + video.codec() + ", not H.264";
    }
    if (video.profile() == null || !COPYABLE_PROFILES.contains(video.profile().toLowerCase(Locale.ROOT))) {
      return "H.264 profile " + video.profile() + " is not one every player decodes";
    }
    if (video.pixelFormat() != null && !COPYABLE_PIXELS.contains(video.pixelFormat())) {
      return "pixel format " + video.pixelFormat() + " is not 8-bit 4:2:0";
    }
    if (video.hdr() != null) {
      return "the source is HDR (" + video.hdr() + ")";
    }
    return null;
  }

  /** The source's video bit rate: the stream's, else the container's minus the audio, else 0 (unknown). */
  static long videoBitRate(MediaInfo info, MediaInfo.Stream video) {
    if (video.bitRate() != null) {
      return video.bitRate();
    }
    if (info.bitRate() == null) {
      return 0;
    }
    long audio = info.streams().stream().filter(s -> "audio".equals(s.type()) && s.bitRate() != null)
        .mapToLong(MediaInfo.Stream::bitRate).sum();
    return Math.max(0, info.bitRate() - audio);
  }

  private static boolean audioCopyable(MediaInfo.Stream audio, int audioKbps) {
    return "aac".equals(audio.codec()) && "LC".equalsIgnoreCase(String.valueOf(audio.profile()))
        && audio.channels() != null && audio.channels() <= 2
        && audio.bitRate() != null && audio.bitRate() <= audioKbps * 1000L * COPY_BITRATE_TOLERANCE;
  }

  /** The size a {@code sw x sh} picture is scaled to in this rung's box (aspect kept, even, never larger). */
  static int[] outputSize(int sw, int sh, Rung r) {
    double scale = Math.min(1.0, Math.min((double) r.boxWidth() / sw, (double) r.boxHeight() / sh));
    if (scale >= 1.0) {
      return new int[] {even(sw), even(sh)};
    }
    return new int[] {Math.min(r.boxWidth(), nearestEven(sw * scale)), Math.min(r.boxHeight(), nearestEven(sh * scale))};
  }

  /** Rounds to the nearest even number, as ffmpeg's {@code scale=-2:h} does. */
  private static int nearestEven(double v) {
    return (int) Math.max(2, 2 * Math.round(v / 2));
  }

  private static int even(long v) {
    return (int) Math.max(2, v - (v & 1));
  }
}
