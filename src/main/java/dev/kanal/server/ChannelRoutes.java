package dev.kanal.server;

import dev.kanal.iptv.Channel;
import dev.kanal.iptv.ChannelJson;
import dev.kanal.iptv.Epg;
import dev.kanal.iptv.EpgProgramme;
import dev.kanal.iptv.LiveTv;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The channel API: {@code GET /api/channels} ({@code q}, {@code group}, {@code alive}, {@code offset},
 * {@code limit}), {@code GET /api/channels/groups} and {@code GET /api/channels/{id}}. A channel is
 * exactly what {@code kanal channels list --json} prints ({@link ChannelJson}), plus
 * {@code playlistUrl} (the relay's HLS URL) and {@code now}/{@code next} from the guide.
 */
final class ChannelRoutes {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  static final int MAX_OFFSET = 10_000_000;
  static final int MAX_QUERY = 200;

  private final LiveRoutes live;

  ChannelRoutes(LiveRoutes live) {
    this.live = live;
  }

  void mount(Router router) {
    router.get("/api/channels").handler(this::list);
    router.get("/api/channels/groups").handler(this::groups);
    router.get("/api/channels/:id").handler(this::one);
    router.post("/api/channels/refresh").handler(this::refresh);
    router.post("/api/channels/check").handler(this::check);
  }

  /** Checks every stream now, in the background (202); 409 while a check runs or for a fixed catalog. */
  private void check(RoutingContext ctx) {
    if (live.live.tv().checkNow()) {
      KanalServer.json(ctx, 202, new JsonObject().put("status", "checking"));
    } else {
      KanalServer.json(ctx, 409, KanalServer.error(live.live.tv().isChecking() ? "a check is already running"
          : "this server's catalog cannot be checked"));
    }
  }

  /** Asks for a refresh of the sources now (after the one running, if any); 202, the catalog changes when it is done. */
  private void refresh(RoutingContext ctx) {
    live.live.tv().refreshNow();
    JsonObject body = new JsonObject().put("status", "refreshing");
    live.live.tv().snapshot().refreshedAt().ifPresent(at -> body.put("refreshedAt", at.toString()));
    KanalServer.json(ctx, 202, body);
  }

  private void list(RoutingContext ctx) {
    String q;
    Optional<String> group;
    boolean alive;
    int offset;
    int limit;
    try {
      q = LiveRoutes.param(ctx, "q").orElse("");
      if (q.length() > MAX_QUERY) {
        throw new LiveRoutes.BadRequest(400, "query parameter 'q' must be at most " + MAX_QUERY + " characters");
      }
      group = LiveRoutes.param(ctx, "group");
      alive = LiveRoutes.flag(ctx, "alive");
      offset = LiveRoutes.integer(ctx, "offset", 0, 0, MAX_OFFSET);
      limit = LiveRoutes.integer(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    } catch (LiveRoutes.BadRequest e) {
      KanalServer.json(ctx, e.status, KanalServer.error(e.getMessage()));
      return;
    }
    String base = live.base(ctx);
    live.onVirtualThread(ctx, () -> {
      LiveTv.Snapshot snapshot = live.live.tv().snapshot();
      List<Channel> all = LiveRoutes.select(snapshot.catalog(), group, alive, q);
      Instant now = Instant.now();
      JsonArray items = new JsonArray();
      for (Channel c : all.subList(Math.min(offset, all.size()), Math.min(all.size(), offset + limit))) {
        items.add(json(c, snapshot.epg(), base, now));
      }
      return new JsonObject().put("items", items).put("total", all.size()).put("offset", offset).put("limit", limit);
    }).onSuccess(body -> KanalServer.json(ctx, 200, body));
  }

  private void groups(RoutingContext ctx) {
    live.onVirtualThread(ctx, () -> {
      List<Channel> channels = live.live.tv().catalog().channels();
      Map<String, Integer> counts = new LinkedHashMap<>();
      live.live.tv().catalog().groups().forEach(g -> counts.put(g, 0));
      for (Channel c : channels) {
        c.groups().stream().distinct().forEach(g -> counts.merge(g, 1, Integer::sum));
        if (c.groups().isEmpty()) {
          counts.merge(c.group(), 1, Integer::sum);
        }
      }
      JsonArray items = new JsonArray();
      counts.forEach((name, n) -> items.add(new JsonObject().put("name", name).put("channels", n)));
      return new JsonObject().put("items", items).put("total", items.size());
    }).onSuccess(body -> KanalServer.json(ctx, 200, body));
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String base = live.base(ctx);
    live.onVirtualThread(ctx, () -> {
      LiveTv.Snapshot snapshot = live.live.tv().snapshot();
      return LiveRoutes.channel(snapshot.catalog(), id).map(c -> json(c, snapshot.epg(), base, Instant.now()));
    }).onSuccess(found -> {
      if (found.isPresent()) {
        KanalServer.json(ctx, 200, found.get());
      } else {
        KanalServer.json(ctx, 404, KanalServer.error("no channel with id '" + LiveRoutes.clip(String.valueOf(id)) + "'"));
      }
    });
  }

  /** A channel as {@code channels list --json} prints it, with {@code playlistUrl}, {@code now} and {@code next}. */
  static JsonObject json(Channel c, Epg epg, String base, Instant now) {
    JsonObject o = new JsonObject(new LinkedHashMap<>(ChannelJson.channel(c)));
    o.put("playlistUrl", LiveRoutes.playlistUrl(base, c));
    Epg.NowNext nowNext = epg.match(c.tvgId(), c.name()).map(id -> epg.nowNext(id, now))
        .orElse(new Epg.NowNext(Optional.empty(), Optional.empty()));
    o.put("now", nowNext.now().map(ChannelRoutes::programme).orElse(null));
    o.put("next", nowNext.next().map(ChannelRoutes::programme).orElse(null));
    return o;
  }

  private static JsonObject programme(EpgProgramme p) {
    return new JsonObject().put("title", p.title()).put("start", p.start().toString())
        .put("stop", p.stop().map(Instant::toString).orElse(null));
  }
}
