package dev.kanal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kanal.config.ConfigException;
import dev.kanal.config.KanalConfig;
import dev.kanal.media.Ffmpeg;
import dev.kanal.media.FfmpegLocator;
import dev.kanal.media.MediaToolException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kanal version}: Kanal's version, the Java runtime, and which ffmpeg is used. */
@Command(name = "version", mixinStandardHelpOptions = true,
    description = "Print the versions of Kanal, Java and the ffmpeg Kanal uses.")
final class VersionCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ConfigOptions configOptions;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  /** Answers {@code kanal --version}. */
  static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"kanal " + Version.current()};
    }
  }

  @Override
  public Integer call() throws Exception {
    String java = System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")";
    String ffmpegLine;
    ObjectNode out = new ObjectMapper().createObjectNode()
        .put("kanal", Version.current())
        .put("java", System.getProperty("java.version"))
        .put("javaHome", System.getProperty("java.home"));
    try {
      KanalConfig config = configOptions.load(System.getenv());
      Ffmpeg ffmpeg = FfmpegLocator.locate(config.ffmpeg(), DataDir.prepare(config.storage().dataDir()), System.getenv("PATH"));
      String version = FfmpegLocator.version(ffmpeg.ffmpeg());
      ffmpegLine = ffmpeg.ffmpeg() + " (" + ffmpeg.source() + "): " + version;
      out.putObject("ffmpeg").put("path", ffmpeg.ffmpeg().toString()).put("ffprobe", ffmpeg.ffprobe().toString())
          .put("source", ffmpeg.source()).put("version", version);
    } catch (MediaToolException | ConfigException | CommandException e) {
      ffmpegLine = "not available: " + e.getMessage();
      out.putObject("ffmpeg").put("error", e.getMessage());
    }
    if (json) {
      Output.of(spec).println(out.toPrettyString());
    } else {
      Output.of(spec).println("kanal  " + Version.current());
      Output.of(spec).println("java   " + java);
      Output.of(spec).println("ffmpeg " + ffmpegLine);
    }
    return 0;
  }
}
