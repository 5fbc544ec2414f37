package dev.kanal.media;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How one video is played, decided from what ffprobe found (like Jellyfin's DirectPlay, DirectStream
 * and Transcode): the original file as it is, the same streams repackaged into HLS, streams re-encoded
 * into HLS, or a package made ahead of time.
 *
 * @param mode what happens to the file
 * @param reason why, in one sentence for people (codec and container names, never a path)
 * @param video the video stream that plays (absent for audio-only files)
 * @param audio the audio stream that plays (the default one, else the first; absent for silent files)
 * @param copyVideo whether the video is copied into HLS as it is (else re-encoded to 8-bit H.264)
 * @param copyAudio whether the audio is copied into HLS as it is (else re-encoded to AAC)
 */
public record PlaybackDecision(Mode mode, String reason, Optional<MediaInfo.Stream> video,
    Optional<MediaInfo.Stream> audio, boolean copyVideo, boolean copyAudio) {

  /** The playback modes, as the API names them. */
  public enum Mode {
    /** The browser plays the original file with Range requests ({@code /media/{id}/file}). */
    DIRECT,
    /** HLS with every stream copied ({@code -c copy}): only the container changes. */
    REMUX,
    /** HLS with the video, the audio, or both re-encoded. */
    TRANSCODE,
    /** HLS from a complete package made ahead of time (an ABR ladder). */
    PACKAGED;

    /** The lower-case name used in JSON. */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Video codecs current browsers decode in {@code <video>} from MP4/WebM (HEVC only in some, so not here). */
  private static final Set<String> BROWSER_VIDEO = Set.of("h264", "vp8", "vp9", "av1");
  private static final Set<String> BROWSER_AUDIO = Set.of("aac", "mp3", "opus", "vorbis", "flac");
  private static final Set<String> BROWSER_TYPES = Set.of("video/mp4", "video/webm");
  /** Audio codecs HLS carries in MPEG-TS (RFC 8216 section 3.2, Apple's authoring spec). */
  private static final Set<String> HLS_AUDIO = Set.of("aac", "mp3", "ac3", "eac3");

  /**
   * Decides for a probed file.
   *
   * @param info what ffprobe found
   * @param contentType the file's media type from its extension, e.g. {@code video/mp4}
   * @param packaged whether a complete package of this video is published
   */
  public static PlaybackDecision decide(MediaInfo info, String contentType, boolean packaged) {
    Optional<MediaInfo.Stream> video = info.video();
    Optional<MediaInfo.Stream> audio = info.streams().stream()
        .filter(s -> "audio".equals(s.type()) && s.isDefault()).findFirst().or(info::audio);
    boolean copyVideo = video.map(PlaybackDecision::hlsVideo).orElse(true);
    // When the video is re-encoded, so is the audio: a job that starts at a grid time decodes from the
    // key frame before it, and copied audio packets would start up to a GOP early (overlapping the
    // segment before); decoded audio is cut at the grid time exactly.
    boolean copyAudio = copyVideo && audio.map(s -> HLS_AUDIO.contains(s.codec())).orElse(true);
    String codecs = video.map(PlaybackDecision::describe).orElse("no video") + "/"
        + audio.map(MediaInfo.Stream::codec).orElse("no audio");
    String container = containerName(info.container());
    if (packaged) {
      return new PlaybackDecision(Mode.PACKAGED, "a complete HLS package of this video is published",
          video, audio, copyVideo, copyAudio);
    }
    if (browserPlayable(video, audio, contentType)) {
      return new PlaybackDecision(Mode.DIRECT, "browsers play " + codecs + " in " + container + " as it is",
          video, audio, copyVideo, copyAudio);
    }
    if (copyVideo && copyAudio) {
      String why = BROWSER_TYPES.contains(contentType)
          ? "browsers do not all play " + codecs + " from a plain " + container + " file; the streams are copied into HLS"
          : codecs + " can be copied into HLS, but browsers do not play " + container + " files as they are";
      return new PlaybackDecision(Mode.REMUX, why, video, audio, true, true);
    }
    String why;
    if (!copyVideo) {
      why = describe(video.get()) + " video cannot be carried by HLS or decoded by browsers: it is transcoded to"
          + " 8-bit H.264" + audio.map(a -> HLS_AUDIO.contains(a.codec())
              ? ", and the " + a.codec() + " audio re-encoded with it (AAC) so both start exactly on every segment"
              : ", and the " + a.codec() + " audio, which HLS cannot carry, to AAC").orElse("");
    } else {
      why = audio.get().codec() + " audio cannot be carried by HLS: only the audio is transcoded (AAC)"
          + (video.isPresent() ? ", the " + describe(video.get()) + " video is copied" : "");
    }
    return new PlaybackDecision(Mode.TRANSCODE, why, video, audio, copyVideo, copyAudio);
  }

  /** Whether the file is HLS-playable only after work, i.e. not {@link Mode#DIRECT} and not packaged. */
  public boolean onDemand() {
    return mode == Mode.REMUX || mode == Mode.TRANSCODE;
  }

  /** H.264 (8-bit 4:2:0) and HEVC (Main, Main 10) can be copied into HLS segments. */
  static boolean hlsVideo(MediaInfo.Stream s) {
    String pix = s.pixelFormat() == null ? "yuv420p" : s.pixelFormat();
    String profile = s.profile() == null ? "" : s.profile();
    return switch (s.codec()) {
      case "h264" -> (pix.equals("yuv420p") || pix.equals("yuvj420p")) && !profile.contains("10")
          && !profile.contains("4:2:2") && !profile.contains("4:4:4");
      case "hevc" -> (pix.equals("yuv420p") || pix.equals("yuv420p10le")) && !profile.contains("4:2:2")
          && !profile.contains("4:4:4") && !profile.contains("Rext");
      default -> false;
    };
  }

  private static boolean browserPlayable(Optional<MediaInfo.Stream> video, Optional<MediaInfo.Stream> audio,
      String contentType) {
    if (!BROWSER_TYPES.contains(contentType) || (video.isEmpty() && audio.isEmpty())) {
      return false;
    }
    boolean videoOk = video.map(s -> BROWSER_VIDEO.contains(s.codec())
        && (!s.codec().equals("h264") || hlsVideo(s))).orElse(true);
    boolean audioOk = audio.map(s -> BROWSER_AUDIO.contains(s.codec())).orElse(true);
    return videoOk && audioOk;
  }

  /** e.g. {@code h264}, {@code h264 High 10 (10-bit)}, {@code vp9}. */
  private static String describe(MediaInfo.Stream s) {
    String pix = s.pixelFormat() == null ? "" : s.pixelFormat();
    boolean tenBit = pix.contains("10") || pix.contains("12");
    if (s.codec().equals("h264") && !hlsVideo(s)) {
      return "h264" + (s.profile() == null ? "" : " " + s.profile()) + (tenBit ? " (" + (pix.contains("12") ? 12 : 10)
          + "-bit)" : "");
    }
    return s.codec();
  }

  private static String containerName(String container) {
    if (container == null) {
      return "this container";
    }
    if (container.startsWith("mov,mp4")) {
      return "MP4";
    }
    if (container.startsWith("matroska")) {
      return "Matroska";
    }
    return container.split(",")[0];
  }
}
