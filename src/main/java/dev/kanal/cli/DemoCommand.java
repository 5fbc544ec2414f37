package dev.kanal.cli;

import dev.kanal.config.KanalConfig;
import dev.kanal.media.DemoMedia;
import dev.kanal.media.Ffmpeg;
import dev.kanal.media.FfmpegLocator;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kanal demo}: generates offline demo content once and serves it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Generate demo content (a test video and demo channels made by ffmpeg, no network needed)",
        "and serve it: the first thing to run."})
final class DemoCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ConfigOptions configOptions;

  @picocli.CommandLine.Option(names = "--discovery",
      description = "Announce and browse with mDNS and SSDP on every interface, loopback included"
          + " (discovery.mdns=on, discovery.ssdp=on, discovery.interfaces=all).")
  boolean discovery;

  @Override
  public Integer call() throws Exception {
    KanalConfig config = configOptions.load(System.getenv(), ConfigOptions.discoveryOverrides(discovery));
    Path data = DataDir.prepare(config.storage().dataDir());
    Ffmpeg ffmpeg = FfmpegLocator.locate(config.ffmpeg(), data, System.getenv("PATH"));
    Output.of(spec).println("Preparing demo content in " + data.resolve("demo") + " (ffmpeg: " + ffmpeg.source() + ")...");
    Path demo = DemoMedia.ensure(ffmpeg, data.resolve("demo"));
    KanalConfig demoConfig = withDemoChannels(LibrarySetup.withFolders(config, Optional.of(demo.resolve("media"))), demo);
    Application app = Application.start(demoConfig, Optional.of(demo));
    String url = app.url();
    Output.of(spec).println();
    Output.of(spec).println("Kanal demo is running at " + url + "/  (Ctrl-C to stop)");
    Output.of(spec).println("  Web page      " + url + "/");
    Output.of(spec).println("  Demo video    " + url + "/demo/media/" + DemoMedia.VIDEO);
    Output.of(spec).println("  Video API     " + url + "/api/videos");
    Output.of(spec).println("  Live TV       " + url + "/iptv/playlist.m3u   (open it in VLC or mpv; relayed)");
    Output.of(spec).println("  Channels API  " + url + "/api/channels");
    Output.of(spec).println("  Health        " + url + "/api/health");
    Output.of(spec).println("  Metrics       " + url + "/metrics");
    app.awaitShutdown();
    return 0;
  }

  /** The playlist of the demo channels as the relay fetches them: absolute URLs on this server. */
  static final String LIVE_PLAYLIST = "live.m3u";

  /**
   * Adds the demo channels to the live TV catalog: a playlist of absolute {@code /demo/channels/...}
   * URLs on the server's own address (the demo channels' playlist has relative ones), a source
   * allowed to reach loopback because it is Kanal itself. Without a fixed port (0) there is no
   * address to write, and the demo has no live channels.
   */
  static KanalConfig withDemoChannels(KanalConfig config, Path demo) throws java.io.IOException {
    int port = config.server().port();
    if (port == 0) {
      return config;
    }
    String host = config.server().host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
      host = "127.0.0.1";
    }
    String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/demo/";
    StringBuilder m3u = new StringBuilder("#EXTM3U\n");
    for (String line : java.nio.file.Files.readAllLines(demo.resolve("channels.m3u"))) {
      if (line.startsWith("#EXTM3U")) {
        continue;
      }
      m3u.append(line.isBlank() || line.startsWith("#") ? line : base + line.strip()).append('\n');
    }
    Path playlist = demo.resolve(LIVE_PLAYLIST);
    java.nio.file.Files.writeString(playlist, m3u, java.nio.charset.StandardCharsets.UTF_8);
    KanalConfig.IptvConfig iptv = config.iptv();
    java.util.List<KanalConfig.SourceConfig> sources = new java.util.ArrayList<>(iptv.sources());
    sources.add(new KanalConfig.SourceConfig(playlist.toString(), 0, java.util.Map.of(), java.time.Duration.ZERO, true, true));
    return config.withIptv(
        new KanalConfig.IptvConfig(sources, iptv.refreshInterval(), iptv.groups(), iptv.epg(), iptv.favourites()));
  }
}
