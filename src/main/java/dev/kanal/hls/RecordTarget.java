package dev.kanal.hls;

import dev.kanal.media.Ffmpeg;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a recording goes: a TS file (the decrypted segment bytes in order), a stream such as
 * stdout (TS), an MP4/MKV file remuxed by ffmpeg, or an FLV/RTMP restream through ffmpeg.
 *
 * @param format the container
 * @param file the output file (ts, mp4, mkv, or flv to a file)
 * @param stream the output stream (ts to stdout)
 * @param url an RTMP (or other ffmpeg) output URL for flv
 * @param splitOnDiscontinuity write numbered parts, one per discontinuity, instead of one file
 * @param ffmpeg the ffmpeg to remux or restream with
 */
public record RecordTarget(Format format, Optional<Path> file, Optional<OutputStream> stream, Optional<String> url,
    boolean splitOnDiscontinuity, Optional<Ffmpeg> ffmpeg) {

  /** Output containers. */
  public enum Format {
    /** MPEG-TS: the segments' bytes. */
    TS,
    /** MP4 remuxed with ffmpeg -c copy. */
    MP4,
    /** Matroska remuxed with ffmpeg -c copy. */
    MKV,
    /** FLV through ffmpeg, usually to an RTMP server. */
    FLV;

    /** The format named by a flag or a file extension, if any. */
    public static Optional<Format> of(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "ts", "m2ts", "mts" -> Optional.of(TS);
        case "mp4", "m4v", "mov" -> Optional.of(MP4);
        case "mkv" -> Optional.of(MKV);
        case "flv" -> Optional.of(FLV);
        default -> Optional.empty();
      };
    }

    /** Whether writing it needs ffmpeg. */
    public boolean needsFfmpeg() {
      return this != TS;
    }
  }

  /** Checks that the pieces fit the format. */
  public RecordTarget {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(ffmpeg, "ffmpeg");
    int outputs = (file.isPresent() ? 1 : 0) + (stream.isPresent() ? 1 : 0) + (url.isPresent() ? 1 : 0);
    if (outputs != 1) {
      throw new IllegalArgumentException("exactly one of file, stream and url is needed");
    }
    if (format.needsFfmpeg() && ffmpeg.isEmpty()) {
      throw new IllegalArgumentException(format + " output needs ffmpeg");
    }
    if (stream.isPresent() && format != Format.TS) {
      throw new IllegalArgumentException("only TS can be written to a stream");
    }
  }

  /** A TS file. */
  public static RecordTarget ts(Path file) {
    return new RecordTarget(Format.TS, Optional.of(file), Optional.empty(), Optional.empty(), false, Optional.empty());
  }

  /** TS to a stream (standard output); the stream is flushed, not closed. */
  public static RecordTarget stream(OutputStream out) {
    return new RecordTarget(Format.TS, Optional.empty(), Optional.of(out), Optional.empty(), false, Optional.empty());
  }

  /** A file in any format; mp4, mkv and flv go through ffmpeg. */
  public static RecordTarget file(Path file, Format format, Optional<Ffmpeg> ffmpeg) {
    return new RecordTarget(format, Optional.of(file), Optional.empty(), Optional.empty(), false, ffmpeg);
  }

  /** FLV to a URL (rtmp://...) through ffmpeg. */
  public static RecordTarget restream(String url, Ffmpeg ffmpeg) {
    return new RecordTarget(Format.FLV, Optional.empty(), Optional.empty(), Optional.of(url), false,
        Optional.of(ffmpeg));
  }

  /** A copy that writes numbered parts at discontinuities. */
  public RecordTarget withSplitOnDiscontinuity(boolean value) {
    return new RecordTarget(format, file, stream, url, value, ffmpeg);
  }

  /** Whether an alternative audio rendition can be muxed in (only remuxed files). */
  boolean canMuxAudio() {
    return (format == Format.MP4 || format == Format.MKV) && file.isPresent();
  }
}
