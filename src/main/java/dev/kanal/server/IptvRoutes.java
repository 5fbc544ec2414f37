package dev.kanal.server;

import dev.kanal.iptv.Channel;
import dev.kanal.iptv.Epg;
import dev.kanal.iptv.LiveTv;
import dev.kanal.iptv.XmltvChannel;
import dev.kanal.iptv.XmltvWriter;
import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.playlist.IptvWriter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog for players: {@code GET /iptv/playlist.m3u} (VLC, mpv, Kodi, TiviMate), every entry
 * pointing at the relay, and {@code GET /iptv/epg.xml} (or {@code .xml.gz}), the XMLTV guide of those
 * channels under the same ids. Both take {@code group} and {@code alive}, and are written as they
 * are generated (a virtual thread writes 64 KiB chunks with backpressure), so a catalog of any size
 * costs one chunk per client. The guide is gzipped here when the client accepts it, since the
 * server's compression is off.
 */
final class IptvRoutes {

  private static final Logger log = LoggerFactory.getLogger(IptvRoutes.class);
  /** How long a client may read nothing before its response is abandoned. */
  private static final Duration STALL = Duration.ofSeconds(60);

  private final LiveRoutes live;

  IptvRoutes(LiveRoutes live) {
    this.live = live;
  }

  void mount(Router router) {
    router.get("/iptv/playlist.m3u").handler(this::playlist);
    router.get("/iptv/epg.xml").handler(ctx -> guide(ctx, false));
    router.get("/iptv/epg.xml.gz").handler(ctx -> guide(ctx, true));
  }

  private record Selection(LiveTv.Snapshot snapshot, List<Channel> channels, ChannelNumbers numbers) {}

  /**
   * Then, on the event loop, {@code then} with the snapshot and the channels the parameters ask for
   * (selected on a virtual thread); a bad parameter or unknown group is answered instead.
   */
  private void select(RoutingContext ctx, java.util.function.Consumer<Selection> then) {
    Optional<String> group = LiveRoutes.param(ctx, "group");
    boolean alive;
    try {
      alive = LiveRoutes.flag(ctx, "alive");
    } catch (LiveRoutes.BadRequest e) {
      KanalServer.json(ctx, e.status, KanalServer.error(e.getMessage()));
      return;
    }
    live.onVirtualThread(ctx, () -> {
      LiveTv.Snapshot snapshot = live.live.tv().snapshot();
      List<Channel> channels = LiveRoutes.select(snapshot.catalog(), group, alive, "");
      return new Selection(snapshot, channels, ChannelNumbers.of(snapshot.catalog().channels()));
    }).onSuccess(then::accept);
  }

  private void playlist(RoutingContext ctx) {
    String base = live.base(ctx);
    select(ctx, selection -> {
      ctx.response().setStatusCode(200).setChunked(true)
          .putHeader("Content-Type", "audio/x-mpegurl; charset=utf-8")
          .putHeader("Cache-Control", "no-cache");
      stream(ctx, false, out -> IptvWriter.write(playlist(selection, base), out));
    });
  }

  /** The playlist: {@code #EXTM3U x-tvg-url}, then per channel its attributes and the relay URL. */
  private static IptvPlaylist playlist(Selection s, String base) {
    List<IptvPlaylist.Entry> entries = new ArrayList<>(s.channels().size());
    for (Channel c : s.channels()) {
      Map<String, String> attributes = new LinkedHashMap<>();
      attributes.put("tvg-id", c.id());
      attributes.put("tvg-name", clean(c.name()));
      if (!c.logo().isBlank()) {
        attributes.put("tvg-logo", clean(c.logo()));
      }
      attributes.put("tvg-chno", s.numbers().of(c));
      attributes.put("group-title", clean(c.group()));
      String url = LiveRoutes.playlistUrl(base, c);
      entries.add(new IptvPlaylist.Entry(clean(c.name()), url, url, IptvPlaylist.Entry.LIVE, attributes, "", Map.of(),
          Map.of(), List.of(), 0));
    }
    Map<String, String> header = new LinkedHashMap<>();
    header.put("x-tvg-url", base + "/iptv/epg.xml");
    return new IptvPlaylist(header, entries, List.of(), List.of());
  }

  /**
   * A value that no player's attribute parser can misread: double quotes become single ones (VLC
   * and Kodi only know double-quoted values), control characters (CR, LF, tabs) become spaces.
   */
  static String clean(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c == '"' ? '\'' : Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
    }
    return out.toString().strip();
  }

  private void guide(RoutingContext ctx, boolean gzFile) {
    String base = live.base(ctx);
    boolean gzip = gzFile || acceptsGzip(ctx.request().getHeader("Accept-Encoding"));
    select(ctx, s -> {
      var response = ctx.response().setStatusCode(200).setChunked(true).putHeader("Cache-Control", "no-cache");
      if (gzFile) {
        response.putHeader("Content-Type", "application/gzip");
      } else {
        response.putHeader("Content-Type", "application/xml; charset=utf-8").putHeader("Vary", "Accept-Encoding");
        if (gzip) {
          response.putHeader("Content-Encoding", "gzip");
        }
      }
      stream(ctx, gzip, out -> XmltvWriter.write(out, guideChannels(s, base), s.snapshot().epg(), "Kanal"));
    });
  }

  /** Each channel under its catalog id, named by its name and number, with the guide channel it matches. */
  private static List<XmltvWriter.Channel> guideChannels(Selection s, String base) {
    Epg epg = s.snapshot().epg();
    List<XmltvWriter.Channel> out = new ArrayList<>(s.channels().size());
    for (Channel c : s.channels()) {
      Optional<String> guideId = epg.match(c.tvgId(), c.name());
      Optional<String> icon = c.logo().isBlank()
          ? guideId.flatMap(epg::channel).flatMap(XmltvChannel::icon)
          : Optional.of(c.logo());
      // The number as a second display-name is how Plex and Jellyfin map guide channels to tuner channels.
      out.add(new XmltvWriter.Channel(c.id(), List.of(c.name(), s.numbers().of(c)), icon, guideId));
    }
    return out;
  }

  /** Whether an Accept-Encoding header allows gzip (RFC 9110 12.5.3: a q of 0 refuses it). */
  static boolean acceptsGzip(String header) {
    if (header == null) {
      return false;
    }
    for (String part : header.split(",")) {
      String[] bits = part.strip().split(";");
      String coding = bits[0].strip().toLowerCase(Locale.ROOT);
      if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("*")) {
        continue;
      }
      double q = 1;
      for (int i = 1; i < bits.length; i++) {
        String p = bits[i].strip().toLowerCase(Locale.ROOT);
        if (p.startsWith("q=")) {
          try {
            q = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (q > 0) {
        return true;
      }
    }
    return false;
  }

  /** Something that writes a document. */
  private interface Body {
    void write(Writer out) throws IOException;
  }

  /** Writes a body on a virtual thread into the chunked response (headers already set). */
  private void stream(RoutingContext ctx, boolean gzip, Body body) {
    Context context = Vertx.currentContext();
    ResponseOutputStream raw = new ResponseOutputStream(context, ctx.response(), STALL);
    live.blocking.execute(() -> {
      try {
        OutputStream out = gzip ? new GZIPOutputStream(raw, ResponseOutputStream.CHUNK) : raw;
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024);
        body.write(writer);
        writer.close();
      } catch (IOException e) {
        log.info("event=iptv.response.aborted path={} reason=\"{}\"", ctx.request().path(), e.getMessage());
        raw.abort();
      } catch (RuntimeException e) {
        log.error("event=iptv.response.failed path={}", ctx.request().path(), e);
        raw.abort();
      }
    });
  }
}
