package dev.kanal.server;

import dev.kanal.iptv.Channel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HDHomeRun emulation, so Plex, Jellyfin and Emby add Kanal as a network tuner: {@code /discover.json},
 * {@code /lineup_status.json}, {@code /lineup.json} (every channel, its URL {@code /live/{id}.ts}),
 * {@code /lineup.post} (scan requests, accepted) and {@code /device.xml} (UPnP). Field names and types
 * are those Jellyfin's {@code DiscoverResponse} and {@code Channels} classes read (strings, except the
 * integer {@code TunerCount}). The model is an HDHomeRun EXTEND (HDTC-2US), as other emulators report;
 * Jellyfin then may append {@code ?transcode=...} to stream URLs, which the .ts route ignores.
 * The DeviceID is derived from the relay secret, so it stays the same across restarts, and carries
 * libhdhomerun's check digit, which Plex validates.
 */
final class HdHomeRunRoutes {

  static final String MODEL = "HDTC-2US";
  static final String FIRMWARE_NAME = "hdhomeruntc_atsc";
  static final String FIRMWARE_VERSION = "20231214";
  /** The TunerCount advertised when {@code relay.tuners} is 0 (no limit). */
  static final int UNLIMITED_TUNERS = 8;
  private static final int[] CHECK_TABLE = {0xA, 0x5, 0xF, 0x6, 0x7, 0xC, 0x1, 0xB, 0x9, 0x2, 0x8, 0xD, 0x4, 0x3, 0xE, 0x0};

  private final LiveRoutes live;
  private final String deviceId;
  private final String deviceAuth;

  HdHomeRunRoutes(LiveRoutes live) {
    this.live = live;
    byte[] secret = live.live.secret();
    this.deviceId = deviceId(secret);
    this.deviceAuth = HexFormat.of().formatHex(hmac(secret, "kanal-hdhomerun-device-auth"), 0, 12);
  }

  void mount(Router router) {
    router.get("/discover.json").handler(this::discover);
    router.get("/lineup_status.json").handler(ctx -> KanalServer.json(ctx, 200, new JsonObject()
        .put("ScanInProgress", 0).put("ScanPossible", 1).put("Source", "Cable")
        .put("SourceList", new JsonArray().add("Cable"))));
    router.get("/lineup.json").handler(this::lineup);
    // Plex posts "/lineup.post?scan=start&source=Cable"; there is nothing to scan, the lineup is the catalog.
    router.post("/lineup.post").handler(ctx -> ctx.response().setStatusCode(200).end());
    router.get("/lineup.post").handler(ctx -> ctx.response().setStatusCode(200).end());
    router.get("/device.xml").handler(this::device);
  }

  private void discover(RoutingContext ctx) {
    String base = live.base(ctx);
    int tuners = live.live.relay().tuners();
    KanalServer.json(ctx, 200, new JsonObject()
        .put("FriendlyName", "Kanal")
        .put("Manufacturer", "Silicondust")
        .put("ModelNumber", MODEL)
        .put("FirmwareName", FIRMWARE_NAME)
        .put("FirmwareVersion", FIRMWARE_VERSION)
        .put("DeviceID", deviceId)
        .put("DeviceAuth", deviceAuth)
        .put("BaseURL", base)
        .put("LineupURL", base + "/lineup.json")
        .put("TunerCount", tuners > 0 ? tuners : UNLIMITED_TUNERS));
  }

  private void lineup(RoutingContext ctx) {
    String base = live.base(ctx);
    live.onVirtualThread(ctx, () -> {
      List<Channel> channels = live.live.tv().catalog().channels();
      ChannelNumbers numbers = ChannelNumbers.of(channels);
      JsonArray out = new JsonArray();
      for (Channel c : channels) {
        out.add(new JsonObject().put("GuideNumber", numbers.of(c)).put("GuideName", c.name())
            .put("URL", LiveRoutes.tsUrl(base, c)));
      }
      return out;
    }).onSuccess(array -> ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(array.encode()));
  }

  private void device(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/xml; charset=utf-8")
        .end(deviceXml(live.base(ctx), "Kanal", deviceId));
  }

  /** The UPnP device description (a MediaServer whose UDN is {@code uuid:<deviceId>}) at {@code base}. */
  static String deviceXml(String base, String friendlyName, String deviceId) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <root xmlns="urn:schemas-upnp-org:device-1-0">
          <specVersion><major>1</major><minor>0</minor></specVersion>
          <URLBase>%s</URLBase>
          <device>
            <deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>
            <friendlyName>%s</friendlyName>
            <manufacturer>Silicondust</manufacturer>
            <modelName>%s</modelName>
            <modelNumber>%s</modelNumber>
            <serialNumber>%s</serialNumber>
            <UDN>uuid:%s</UDN>
          </device>
        </root>
        """.formatted(xml(base), xml(friendlyName), MODEL, MODEL, deviceId, deviceId);
  }

  /** The device id: 8 upper-case hex digits from the secret, the last one libhdhomerun's check digit. */
  static String deviceId(byte[] secret) {
    byte[] h = hmac(secret, "kanal-hdhomerun-device-id");
    int id = ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xf0);
    return String.format(Locale.ROOT, "%08X", id | checkDigit(id));
  }

  /** The last hex digit that makes {@code id} valid for {@code hdhomerun_discover_validate_device_id}. */
  static int checkDigit(int id) {
    int c = CHECK_TABLE[(id >>> 28) & 0xf];
    c ^= (id >>> 24) & 0xf;
    c ^= CHECK_TABLE[(id >>> 20) & 0xf];
    c ^= (id >>> 16) & 0xf;
    c ^= CHECK_TABLE[(id >>> 12) & 0xf];
    c ^= (id >>> 8) & 0xf;
    c ^= CHECK_TABLE[(id >>> 4) & 0xf];
    return c;
  }

  private static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
