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

  @Override
  public Integer call() throws Exception {
    KanalConfig config = configOptions.load(System.getenv());
    Path data = DataDir.prepare(config.storage().dataDir());
    Ffmpeg ffmpeg = FfmpegLocator.locate(config.ffmpeg(), data, System.getenv("PATH"));
    Output.of(spec).println("Preparing demo content in " + data.resolve("demo") + " (ffmpeg: " + ffmpeg.source() + ")...");
    Path demo = DemoMedia.ensure(ffmpeg, data.resolve("demo"));
    Application app = Application.start(LibrarySetup.withFolders(config, Optional.of(demo.resolve("media"))), Optional.of(demo));
    String url = app.url();
    Output.of(spec).println();
    Output.of(spec).println("Kanal demo is running at " + url + "/  (Ctrl-C to stop)");
    Output.of(spec).println("  Web page      " + url + "/");
    Output.of(spec).println("  Demo video    " + url + "/demo/media/" + DemoMedia.VIDEO);
    Output.of(spec).println("  Video API     " + url + "/api/videos");
    Output.of(spec).println("  Channel list  " + url + "/demo/channels.m3u   (open it in VLC or mpv)");
    Output.of(spec).println("  Health        " + url + "/api/health");
    Output.of(spec).println("  Metrics       " + url + "/metrics");
    app.awaitShutdown();
    return 0;
  }
}
