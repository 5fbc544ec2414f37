package dev.kanal.server;

import dev.kanal.discovery.Discovery;
import dev.kanal.discovery.Neighbour;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * LAN discovery's routes: {@code GET /api/discovery} (the "Nearby" list of the web UI) and
 * {@code /device.xml}, the UPnP device description that SSDP's {@code LOCATION} names. Mounted before
 * the live TV routes, so {@code /device.xml} is served (with the configured friendly name) whether or
 * not live TV is set up; its UDN is the HDHomeRun DeviceID, as {@link HdHomeRunRoutes} has it.
 */
final class DiscoveryRoutes {

  private final DiscoverySetup setup;
  private final Supplier<String> serverUrl;

  DiscoveryRoutes(DiscoverySetup setup, Supplier<String> serverUrl) {
    this.setup = setup;
    this.serverUrl = serverUrl;
  }

  void mount(Router router) {
    router.get("/api/discovery").handler(this::list);
    router.get("/device.xml").handler(this::device);
  }

  private void list(RoutingContext ctx) {
    // Neighbour lists are bounded (256) and held in memory: cheap enough for the event loop.
    Discovery.Status status = setup.status().get();
    JsonArray items = new JsonArray();
    for (Neighbour n : setup.nearby().get()) {
      items.add(new JsonObject(n.toMap()));
    }
    KanalServer.json(ctx, 200, new JsonObject()
        .put("mdns", status.mdns())
        .put("ssdp", status.ssdp())
        .put("addresses", new JsonArray(status.addresses()))
        .put("items", items));
  }

  private void device(RoutingContext ctx) {
    String base = PublicUrl.of(ctx.request(), LiveRoutes.loopback(serverUrl.get()));
    ctx.response().putHeader("Content-Type", "application/xml; charset=utf-8")
        .end(HdHomeRunRoutes.deviceXml(base, setup.friendlyName(), setup.deviceId()));
  }
}
