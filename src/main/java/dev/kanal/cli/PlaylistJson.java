package dev.kanal.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kanal.playlist.HlsByteRange;
import dev.kanal.playlist.HlsKey;
import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.ParseWarning;
import dev.kanal.playlist.Playlist;
import dev.kanal.playlist.ValidationIssue;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The public JSON contract of {@code kanal playlist inspect --json} (issue #3): keys are absent or
 * null when they do not apply; URIs are as written, except {@code url} of IPTV entries, which is
 * resolved against the playlist's own URL.
 */
final class PlaylistJson {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private PlaylistJson() {}

  static ObjectNode inspect(Playlist playlist) {
    ObjectNode out = F.objectNode();
    out.put("kind", playlist.kind());
    switch (playlist) {
      case IptvPlaylist p -> {
        out.putNull("version");
        warnings(out, p.warnings());
        iptv(out, p);
      }
      case MasterPlaylist p -> {
        putInt(out, "version", p.header().version());
        warnings(out, p.warnings());
        master(out, p);
      }
      case MediaPlaylist p -> {
        putInt(out, "version", p.header().version());
        warnings(out, p.warnings());
        media(out, p);
      }
    }
    return out;
  }

  static ObjectNode validation(String input, Playlist playlist, List<ValidationIssue> issues, boolean valid) {
    ObjectNode out = F.objectNode();
    out.put("input", input);
    out.put("kind", playlist.kind());
    out.put("valid", valid);
    ArrayNode errors = out.putArray("errors");
    ArrayNode warnings = out.putArray("warnings");
    for (ValidationIssue issue : issues) {
      ObjectNode o = (issue.severity() == ValidationIssue.Severity.ERROR ? errors : warnings).addObject();
      o.put("line", issue.line());
      o.put("code", issue.code());
      o.put("message", issue.message());
    }
    return out;
  }

  private static void warnings(ObjectNode out, List<ParseWarning> warnings) {
    ArrayNode list = out.putArray("warnings");
    warnings.forEach(w -> list.addObject().put("line", w.line()).put("message", w.message()));
  }

  private static void iptv(ObjectNode out, IptvPlaylist p) {
    ObjectNode header = out.putObject("header");
    p.header().forEach(header::put);
    ArrayNode entries = out.putArray("entries");
    for (IptvPlaylist.Entry e : p.entries()) {
      ObjectNode o = entries.addObject();
      o.put("title", e.title());
      o.put("url", e.resolvedUrl());
      o.put("duration", e.duration());
      putString(o, "group", Optional.ofNullable(e.group()).filter(g -> !g.isEmpty()));
      map(o.putObject("attributes"), e.attributes());
      map(o.putObject("headers"), e.headers());
      putString(o, "quality", e.quality());
      o.put("geoBlocked", e.geoBlocked());
      o.put("not24x7", e.not24x7());
    }
  }

  private static void master(ObjectNode out, MasterPlaylist p) {
    ArrayNode variants = out.putArray("variants");
    for (MasterPlaylist.Variant v : p.variants()) {
      ObjectNode o = variants.addObject();
      o.put("uri", v.uri());
      stream(o, v.stream());
      putDecimal(o, "frameRate", v.frameRate());
      putString(o, "audio", v.groups().audio());
      putString(o, "video", v.groups().video());
      putString(o, "subtitles", v.groups().subtitles());
    }
    ArrayNode iframes = out.putArray("iframeVariants");
    for (MasterPlaylist.IFrameVariant v : p.iframeVariants()) {
      ObjectNode o = iframes.addObject();
      o.put("uri", v.uri());
      stream(o, v.stream());
      putString(o, "video", v.video());
    }
    ArrayNode renditions = out.putArray("renditions");
    for (MasterPlaylist.Rendition r : p.renditions()) {
      ObjectNode o = renditions.addObject();
      o.put("type", r.type().text());
      o.put("groupId", r.groupId());
      putString(o, "name", r.name());
      putString(o, "language", r.language());
      o.put("default", r.selection().isDefault());
      o.put("autoselect", r.selection().autoselect());
      putString(o, "uri", r.uri());
    }
  }

  private static void stream(ObjectNode o, MasterPlaylist.StreamInfo s) {
    putLong(o, "bandwidth", s.bandwidth());
    putLong(o, "averageBandwidth", s.averageBandwidth());
    putString(o, "resolution", s.resolution().map(MasterPlaylist.Resolution::toString));
    putString(o, "codecs", s.codecs());
  }

  private static void media(ObjectNode out, MediaPlaylist p) {
    putLong(out, "targetDuration", p.targetDurationSeconds());
    out.put("mediaSequence", p.mediaSequence());
    out.put("discontinuitySequence", p.discontinuitySequence());
    putString(out, "playlistType", p.playlistType().map(t -> t.name()));
    out.put("endList", p.endList());
    out.put("iFramesOnly", p.iFramesOnly());
    out.put("totalDuration", p.totalDurationSeconds());
    ArrayNode segments = out.putArray("segments");
    for (MediaPlaylist.Segment s : p.segments()) {
      ObjectNode o = segments.addObject();
      o.put("uri", s.uri());
      o.put("duration", s.durationSeconds());
      putString(o, "title", s.title());
      byteRange(o, "byteRange", s.byteRange());
      o.put("discontinuity", s.discontinuity());
      Optional<HlsKey> key = s.keys().stream().filter(k -> k.effectiveKeyFormat().equals(HlsKey.IDENTITY)).findFirst()
          .or(() -> s.keys().stream().findFirst());
      if (key.isPresent()) {
        ObjectNode k = o.putObject("key");
        k.put("method", key.get().method().text());
        putString(k, "uri", key.get().uri());
        putString(k, "iv", key.get().iv());
        putString(k, "keyFormat", key.get().keyFormat());
      } else {
        o.putNull("key");
      }
      if (s.map().isPresent()) {
        ObjectNode m = o.putObject("map");
        m.put("uri", s.map().get().uri());
        byteRange(m, "byteRange", s.map().get().byteRange());
      } else {
        o.putNull("map");
      }
      putString(o, "programDateTime", s.programDateTime().map(Object::toString));
      o.put("gap", s.gap());
    }
  }

  private static void byteRange(ObjectNode o, String key, Optional<HlsByteRange> range) {
    if (range.isPresent()) {
      o.putObject(key).put("length", range.get().length()).put("offset", range.get().offset());
    } else {
      o.putNull(key);
    }
  }

  private static void map(ObjectNode target, Map<String, String> values) {
    values.forEach(target::put);
  }

  private static void putString(ObjectNode o, String key, Optional<String> value) {
    if (value.isPresent()) {
      o.put(key, value.get());
    } else {
      o.putNull(key);
    }
  }

  private static void putDecimal(ObjectNode o, String key, Optional<BigDecimal> value) {
    if (value.isPresent()) {
      o.put(key, value.get());
    } else {
      o.putNull(key);
    }
  }

  private static void putLong(ObjectNode o, String key, OptionalLong value) {
    if (value.isPresent()) {
      o.put(key, value.getAsLong());
    } else {
      o.putNull(key);
    }
  }

  private static void putInt(ObjectNode o, String key, OptionalInt value) {
    if (value.isPresent()) {
      o.put(key, value.getAsInt());
    } else {
      o.putNull(key);
    }
  }
}
