package dev.kanal.cli;

import picocli.CommandLine.Command;
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
        PendingCommands.Discover.class,
        ConfigCommand.class,
        StatusCommand.class,
        VersionCommand.class,
        CompletionCommand.class,
    })
public final class KanalCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Log at debug level and show stack traces of errors.")
  boolean debug;

  @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "auto|text|json",
      description = "Log format (default: auto = text; env KANAL_LOG_FORMAT).")
  String logFormat;

  @Option(names = "--log-level", scope = ScopeType.INHERIT, paramLabel = "LEVEL",
      description = "trace, debug, info, warn or error (default: info; env KANAL_LOG_LEVEL).")
  String logLevel;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: run 'kanal --help' for the list");
  }
}
