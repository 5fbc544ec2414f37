package dev.kanal.server;

import dev.kanal.library.Video;
import dev.kanal.media.MediaInfo;
import dev.kanal.media.PlaybackDecision;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The JSON shape of videos in the API (and in {@code kanal library ... --json}): never a path, only
 * the base file name and the folder relative to its library folder.
 */
public final class VideoJson {

  /** Video codecs every current browser decodes in {@code <video>} (HEVC only in some). */
  private static final Set<String> BROWSER_VIDEO = Set.of("h264", "vp8", "vp9", "av1");
  private static final Set<String> BROWSER_AUDIO = Set.of("aac", "mp3", "opus", "vorbis", "flac");
  private static final Set<String> BROWSER_TYPES = Set.of("video/mp4", "video/webm");

  private VideoJson() {}

  /** The listing form: {@code id, title, fileName, duration, width, height, size, posterUrl, status}. */
  public static JsonObject summary(Video v) {
    MediaInfo.Stream video = v.info() == null ? null : v.info().video().orElse(null);
    return new JsonObject()
        .put("id", v.id())
        .put("title", v.title())
        .put("fileName", v.fileName())
        .put("collection", v.collection())
        .put("duration", v.duration())
        .put("width", video == null ? null : video.width())
        .put("height", video == null ? null : video.height())
        .put("size", v.size())
        .put("posterUrl", hasPictures(v) ? base(v) + "/poster.jpg" : null)
        .put("status", v.status().json())
        .put("addedAt", v.added().toString());
  }

  /** The full form: the summary plus metadata, streams, chapters, thumbnails and playback modes. */
  public static JsonObject details(Video v) {
    return details(v, false);
  }

  /**
   * The full form, with the playback decision ({@code playback.decision}: direct, remux, transcode or,
   * when {@code packaged}, packaged) and the HLS entry point ({@code playback.hls.url}).
   */
  public static JsonObject details(Video v, boolean packaged) {
    JsonObject out = summary(v)
        .put("modifiedAt", v.modified().toString())
        .put("reason", v.reason());
    MediaInfo info = v.info();
    if (info != null) {
      out.put("container", info.container()).put("bitRate", info.bitRate());
      info.video().ifPresent(s -> out.put("videoCodec", s.codec()).put("frameRate", s.frameRate()).put("hdr", s.hdr()));
      info.audio().ifPresent(s -> out.put("audioCodec", s.codec()).put("audioChannels", s.channels()));
      JsonArray streams = new JsonArray();
      for (MediaInfo.Stream s : info.streams()) {
        streams.add(withoutNulls(new JsonObject()
            .put("index", s.index()).put("type", s.type()).put("codec", s.codec()).put("profile", s.profile())
            .put("level", s.level()).put("width", s.width()).put("height", s.height()).put("frameRate", s.frameRate())
            .put("bitRate", s.bitRate()).put("pixelFormat", s.pixelFormat()).put("hdr", s.hdr())
            .put("channels", s.channels()).put("channelLayout", s.channelLayout()).put("language", s.language())
            .put("title", s.title()).put("default", s.isDefault())));
      }
      out.put("streams", streams);
      JsonArray chapters = new JsonArray();
      for (MediaInfo.Chapter c : info.chapters()) {
        chapters.add(new JsonObject().put("start", c.start()).put("end", c.end()).put("title", c.title()));
      }
      out.put("chapters", chapters);
    } else {
      out.put("streams", new JsonArray()).put("chapters", new JsonArray());
    }
    out.put("thumbnails", hasPictures(v) && v.duration() != null
        ? new JsonObject().put("vtt", base(v) + "/thumbnails.vtt").put("sprite", base(v) + "/thumbnails.jpg")
        : null);
    String file = "/media/" + v.id() + "/file";
    boolean hls = v.status() == Video.Status.OK && info != null;
    JsonObject playback = new JsonObject()
        .put("modes", hls ? new JsonArray().add("file").add("hls") : new JsonArray().add("file"))
        .put("file", new JsonObject()
            .put("url", file)
            .put("downloadUrl", file + "?download=1")
            .put("contentType", v.contentType())
            .put("browserPlayable", browserPlayable(v)));
    if (hls) {
      PlaybackDecision d = PlaybackDecision.decide(info, v.contentType(), packaged);
      playback.put("decision", new JsonObject().put("mode", d.mode().json()).put("reason", d.reason()))
          .put("hls", new JsonObject().put("url", "/vod/" + v.id() + "/master.m3u8"));
    } else {
      playback.put("decision", null).put("hls", null);
    }
    out.put("playback", playback);
    return out;
  }

  /**
   * Whether a browser can play the original file directly: an MP4 or WebM container with codecs
   * every current browser decodes. Otherwise it needs HLS (remux or transcode).
   */
  static boolean browserPlayable(Video v) {
    if (v.status() != Video.Status.OK || v.info() == null || !BROWSER_TYPES.contains(v.contentType())) {
      return false;
    }
    boolean videoOk = v.info().video().map(s -> BROWSER_VIDEO.contains(s.codec())).orElse(true);
    boolean audioOk = v.info().audio().map(s -> BROWSER_AUDIO.contains(s.codec())).orElse(true);
    return videoOk && audioOk && (v.info().video().isPresent() || v.info().audio().isPresent());
  }

  private static boolean hasPictures(Video v) {
    return v.status() == Video.Status.OK && v.info() != null && v.info().video().isPresent();
  }

  private static String base(Video v) {
    return "/api/videos/" + v.id();
  }

  private static JsonObject withoutNulls(JsonObject o) {
    o.getMap().values().removeIf(java.util.Objects::isNull);
    return o;
  }
}
