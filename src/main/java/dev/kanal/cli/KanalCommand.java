package dev.kanal.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root {@code kanal} command: prints usage when run without a subcommand. */
@Command(name = "kanal",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = {
        "Kanal: live TV from IPTV playlists and a library of very large videos, self-hosted.",
        "",
        "Start with 'kanal demo', then open http://127.0.0.1:8080/."},
    subcommands = {
        ServeCommand.class,
        DemoCommand.class,
        PlaylistCommand.class,
        ChannelsCommand.class,
        EpgCommand.class,
        PlayCommand.class,
        RecordCommand.class,
        LibraryCommand.class,
        UserCommand.class,
        DiscoverCommand.class,
        ConfigCommand.class,
        StatusCommand.class,
        VersionCommand.class,
        CompletionCommand.class,
    })
public final class KanalCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Mixin
  GlobalOptions global;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: run 'kanal --help' for the list");
  }

  /** Options of every command (read before picocli runs, by {@link KanalCli#configureLogging}). */
  static final class GlobalOptions {
    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Log at debug level and show stack traces of errors.")
    boolean debug;

    @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "auto|text|json",
        description = "Log format (default: auto = text; env KANAL_LOG_FORMAT).")
    String logFormat;

    @Option(names = "--log-level", scope = ScopeType.INHERIT, paramLabel = "LEVEL",
        description = "trace, debug, info, warn or error (default: info; env KANAL_LOG_LEVEL).")
    String logLevel;
  }

  /**
   * {@code kanal} with only {@code record} and {@code play}: what {@link KanalCli#run} builds for those
   * two commands. Building every subcommand's model costs a streaming command about 0.4 s of
   * start-up on a small machine, which a recording that should take a second cannot afford. Help,
   * options and errors are the same as through {@link KanalCommand}.
   */
  @Command(name = "kanal",
      mixinStandardHelpOptions = true,
      versionProvider = VersionCommand.Provider.class,
      subcommands = {PlayCommand.class, RecordCommand.class})
  static final class Streaming implements Runnable {
    /** The subcommands this root has. */
    static final java.util.Set<String> COMMANDS = java.util.Set.of("play", "record");

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(), "missing subcommand: run 'kanal --help' for the list");
    }
  }
}
