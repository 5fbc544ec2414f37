package dev.kanal.media;

import java.nio.file.Path;
import java.util.List;

/**
 * How a local file is named to ffmpeg and ffprobe (issue #13). Every path is passed absolute, so a file
 * called {@code -i} or {@code -y.mp4} is never read as an option and a {@code :} in its name is never
 * read as a protocol. A library video, which Kanal did not write and may have come from anywhere, is
 * also read with {@code -protocol_whitelist file} (no network: no SSRF from a file) and
 * {@code -format_whitelist} of the containers the library holds: a file named {@code film.mp4} that is
 * really an HLS playlist or an ffconcat script would otherwise make ffmpeg read files outside the
 * library folders (or URLs) and serve them as posters, thumbnails or VOD segments.
 */
public final class LocalInput {

  /**
   * The demuxers a library video may be read with: the containers of the library's extensions (MP4/MOV,
   * Matroska/WebM, MPEG-TS, AVI, ASF/WMV, FLV, MPEG-PS, Ogg) and the raw elementary streams some
   * {@code .ts}/{@code .mpg} files really are. No playlist or script demuxer (hls, dash, concat, image2).
   */
  public static final String LIBRARY_FORMATS =
      "mov,matroska,webm,mpegts,mpegtsraw,avi,asf,flv,live_flv,mpeg,mpegvideo,ogg,h264,hevc,m4v";

  private LocalInput() {}

  /** The absolute, normalised path of {@code file}, as ffmpeg must be given it. */
  public static String path(Path file) {
    return file.toAbsolutePath().normalize().toString();
  }

  /** The input options for a library video (local files only, container demuxers only), before {@code -ss} and {@code -i}. */
  public static List<String> libraryOptions() {
    return List.of("-protocol_whitelist", "file", "-format_whitelist", LIBRARY_FORMATS);
  }

  /** {@link #libraryOptions()}, then {@code -i} and the video's absolute path. */
  public static List<String> library(Path file) {
    return List.of("-protocol_whitelist", "file", "-format_whitelist", LIBRARY_FORMATS, "-i", path(file));
  }
}
