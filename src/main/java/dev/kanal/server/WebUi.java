package dev.kanal.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The web UI: one page ({@code web/index.html}) and its assets, all from the jar. The page names
 * its assets with a version query made from their content ({@code /assets/app.js?v=3f2a...}), so
 * assets are cached for a year and a new build is fetched at once; the page itself is never cached.
 */
final class WebUi {

  private static final String ROOT = "web";
  /** The assets whose content makes the version. */
  private static final String[] VERSIONED = {"assets/app.js", "assets/app.css"};
  private static final int YEAR_SECONDS = 365 * 24 * 3600;

  private final Buffer index;

  private WebUi(Buffer index) {
    this.index = index;
  }

  /** Reads the page and the assets' version once. */
  static WebUi load() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String asset : VERSIONED) {
        digest.update(read(asset));
      }
      String version = HexFormat.of().formatHex(digest.digest()).substring(0, 12);
      String page = new String(read("index.html"), StandardCharsets.UTF_8).replace("__V__", version);
      return new WebUi(Buffer.buffer(page));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static byte[] read(String name) {
    try (InputStream in = WebUi.class.getClassLoader().getResourceAsStream(ROOT + "/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + ROOT + "/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Mounts the page at {@code /} and {@code /index.html}, the assets and the vendored libraries with a long cache. */
  void mount(Router router) {
    router.get("/").handler(this::page);
    router.get("/index.html").handler(this::page);
    // Versioned by query (ours) or by folder name (vendor/hls.js-1.7.4): cache for a year. A route
    // "/x/*" hands StaticHandler the path after "/x/", so each folder gets its own handler.
    router.get("/assets/*").handler(immutable("assets"));
    router.get("/vendor/*").handler(immutable("vendor"));
  }

  private static StaticHandler immutable(String folder) {
    return StaticHandler.create(ROOT + "/" + folder).setCachingEnabled(true).setMaxAgeSeconds(YEAR_SECONDS)
        .setDirectoryListing(false);
  }

  private void page(io.vertx.ext.web.RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' https: http: data:; media-src 'self' blob:;"
            + " worker-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none';"
            + " base-uri 'none'; frame-ancestors 'self'")
        .end(index);
  }
}
