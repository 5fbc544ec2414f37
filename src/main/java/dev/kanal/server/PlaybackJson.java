package dev.kanal.server;

import dev.kanal.store.PlaybackSession;
import dev.kanal.store.ProgressEntry;
import dev.kanal.store.VideoProgress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The JSON forms of playback state: seconds as decimals, times as epoch milliseconds. */
final class PlaybackJson {

  private PlaybackJson() {}

  /** One device's entry: {@code deviceId, position, duration, updatedAt, finished}. */
  static JsonObject entry(ProgressEntry e) {
    return new JsonObject()
        .put("deviceId", e.deviceId())
        .put("position", PlaybackRoutes.secs(e.position()))
        .put("duration", PlaybackRoutes.secs(e.duration()))
        .put("updatedAt", e.updatedAt().toEpochMilli())
        .put("finished", e.finished());
  }

  /** A video's progress: the latest entry's fields at the top, then every device's under {@code devices}. */
  static JsonObject progress(VideoProgress p) {
    JsonArray devices = new JsonArray();
    p.devices().forEach(d -> devices.add(entry(d)));
    return entry(p.latest()).put("videoId", p.latest().videoId()).put("devices", devices);
  }

  /** A session. */
  static JsonObject session(PlaybackSession s) {
    JsonObject out = new JsonObject()
        .put("sessionId", s.id())
        .put("kind", s.kind().label())
        .put(s.kind() == PlaybackSession.Kind.VIDEO ? "videoId" : "channelId", s.targetId())
        .put("deviceId", s.deviceId())
        .put("userId", s.userId())
        .put("startedAt", s.startedAt().toEpochMilli())
        .put("lastHeartbeat", s.lastHeartbeat().toEpochMilli())
        .put("expiresAt", s.expiresAt().toEpochMilli());
    s.position().ifPresent(p -> out.put("position", PlaybackRoutes.secs(p)));
    s.bitrate().ifPresent(b -> out.put("bitrate", b));
    return out;
  }
}
