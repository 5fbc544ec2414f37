package dev.kanal.media;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a media file's metadata with ffprobe (a process, so that a file that crashes a demuxer
 * cannot take Kanal down) and decides whether it is playable at all.
 *
 * <p>Blocking, one process per call: run it on worker or virtual threads with bounded concurrency.
 */
public final class Prober {

  /** A file is not a playable video or audio file; {@link #getMessage} is a reason for people, without paths. */
  public static final class BrokenMediaException extends Exception {
    public BrokenMediaException(String reason) {
      super(reason);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_JSON = 4 * 1024 * 1024;
  private static final int MAX_ERRORS = 16 * 1024;
  private static final Pattern DEMUXER_PREFIX = Pattern.compile("^\\[[^\\]]* @ (0x)?[0-9a-fA-F]+\\]\\s*");

  private final Path ffprobe;
  private final Duration timeout;

  /** A prober running this ffprobe, killing it after {@code timeout}. */
  public Prober(Path ffprobe, Duration timeout) {
    this.ffprobe = ffprobe;
    this.timeout = timeout;
  }

  /**
   * Probes {@code file}.
   *
   * @throws BrokenMediaException when the file is empty, truncated, not a media file, or has neither
   *     video nor audio; the reason names no path
   * @throws MediaToolException when ffprobe itself cannot run or times out
   */
  public MediaInfo probe(Path file) throws BrokenMediaException, MediaToolException, IOException {
    long size = Files.size(file);
    if (size == 0) {
      throw new BrokenMediaException("empty file (0 bytes)");
    }
    Mp4Boxes.checkComplete(file, size);
    List<String> command = new java.util.ArrayList<>(List.of(ffprobe.toString(), "-hide_banner", "-v", "error",
        "-print_format", "json", "-show_format", "-show_streams", "-show_chapters"));
    command.addAll(LocalInput.library(file));
    ProcessOutput out = Processes.capture(command, timeout, MAX_JSON, MAX_ERRORS);
    if (out.exitCode() != 0) {
      throw new BrokenMediaException(reason(out.stderr(), file));
    }
    if (out.stdoutTruncated()) {
      throw new BrokenMediaException("ffprobe described more than " + MAX_JSON / (1024 * 1024) + " MiB of metadata");
    }
    MediaInfo info;
    try {
      info = parse(JSON.readTree(out.stdout()));
    } catch (JsonProcessingException e) {
      throw new MediaToolException("ffprobe printed output that is not JSON for " + file.getFileName());
    }
    boolean playable = info.streams().stream().anyMatch(s -> s.type().equals("video") || s.type().equals("audio"));
    if (!playable) {
      throw new BrokenMediaException("no video or audio stream (container " + info.container() + ")");
    }
    return info;
  }

  /**
   * The most specific ffprobe error with the file's path removed: the last demuxer message (e.g.
   * "EBML header parsing failed"), then ffprobe's summary in parentheses.
   */
  static String reason(String stderr, Path file) {
    String path = file.toString();
    String name = file.getFileName().toString();
    String specific = null;
    String last = null;
    for (String line : stderr.split("\\R")) {
      String stripped = line.strip();
      var demuxer = DEMUXER_PREFIX.matcher(stripped);
      boolean fromDemuxer = demuxer.find();
      String clean = (fromDemuxer ? stripped.substring(demuxer.end()) : stripped).replace(LocalInput.path(file), "")
          .replace(path, "").replace(name, "");
      clean = clean.replaceFirst("^[:\\s]+", "").strip();
      if (clean.isEmpty()) {
        continue;
      }
      if (fromDemuxer) {
        specific = clean;
      }
      last = clean;
    }
    if (last == null) {
      return "ffprobe cannot read it";
    }
    String reason = specific == null || specific.equals(last) ? last : specific + " (" + last + ")";
    return reason.length() > 300 ? reason.substring(0, 300) + "..." : reason;
  }

  static MediaInfo parse(JsonNode root) {
    JsonNode format = root.path("format");
    List<MediaInfo.Stream> streams = new ArrayList<>();
    for (JsonNode s : root.path("streams")) {
      String type = text(s, "codec_type");
      if (type == null) {
        type = "data";
      }
      if (type.equals("video") && s.path("disposition").path("attached_pic").asInt(0) == 1) {
        type = "picture";
      }
      JsonNode tags = s.path("tags");
      Integer channels = s.has("channels") ? s.get("channels").asInt() : null;
      streams.add(new MediaInfo.Stream(s.path("index").asInt(streams.size()), type, text(s, "codec_name"),
          text(s, "profile"), positiveInt(s, "level"), positiveInt(s, "width"), positiveInt(s, "height"),
          type.equals("video") ? rate(text(s, "avg_frame_rate"), text(s, "r_frame_rate")) : null,
          positiveLong(s, "bit_rate"), text(s, "pix_fmt"), hdr(text(s, "color_transfer")), channels,
          text(s, "channel_layout"), text(tags, "language"), text(tags, "title"),
          s.path("disposition").path("default").asInt(0) == 1));
    }
    List<MediaInfo.Chapter> chapters = new ArrayList<>();
    for (JsonNode c : root.path("chapters")) {
      chapters.add(new MediaInfo.Chapter(number(c, "start_time", 0), number(c, "end_time", 0),
          text(c.path("tags"), "title")));
    }
    Double duration = format.has("duration") ? number(format, "duration", 0) : null;
    if (duration != null && (duration.isNaN() || duration <= 0)) {
      duration = null;
    }
    return new MediaInfo(text(format, "format_name"), duration, positiveLong(format, "bit_rate"), streams, chapters);
  }

  private static String hdr(String transfer) {
    if (transfer == null) {
      return null;
    }
    return switch (transfer.toLowerCase(Locale.ROOT)) {
      case "smpte2084" -> "PQ";
      case "arib-std-b67" -> "HLG";
      default -> null;
    };
  }

  private static Double rate(String avg, String real) {
    Double r = fraction(avg);
    return r != null ? r : fraction(real);
  }

  private static Double fraction(String value) {
    if (value == null) {
      return null;
    }
    int slash = value.indexOf('/');
    try {
      double v = slash < 0 ? Double.parseDouble(value)
          : Double.parseDouble(value.substring(0, slash)) / Double.parseDouble(value.substring(slash + 1));
      return Double.isFinite(v) && v > 0 ? Math.round(v * 1000) / 1000.0 : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    String s = v.asText();
    return s.isEmpty() || s.equals("unknown") ? null : s;
  }

  private static double number(JsonNode node, String field, double fallback) {
    String s = text(node, field);
    if (s == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static Integer positiveInt(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.canConvertToInt() && v.asInt() > 0 ? v.asInt() : null;
  }

  private static Long positiveLong(JsonNode node, String field) {
    String s = text(node, field);
    if (s == null) {
      return null;
    }
    try {
      long v = Long.parseLong(s);
      return v > 0 ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
