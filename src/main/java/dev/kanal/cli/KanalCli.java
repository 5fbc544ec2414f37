package dev.kanal.cli;

import dev.kanal.config.ConfigException;
import dev.kanal.media.MediaToolException;
import dev.kanal.server.ServerStartException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * Builds the {@code kanal} command line and maps failures to one clear line and an exit code:
 * 0 success, 1 failure, 2 usage errors and commands that are not available yet.
 */
public final class KanalCli {

  /** Exit code for bad usage and for commands whose capability has not landed. */
  public static final int EXIT_USAGE = 2;

  /** The JDK HttpClient's read buffer size per connection. */
  static final String HTTP_BUFFER_PROPERTY = "jdk.httpclient.bufsize";

  private KanalCli() {}

  /** Runs {@code kanal} with these arguments and returns the exit code. */
  public static int run(String... args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    // record and play start faster with a root that knows only them (see KanalCommand.Streaming).
    boolean streaming = args.length > 0 && KanalCommand.Streaming.COMMANDS.contains(args[0]);
    if (streaming && System.getProperty(HTTP_BUFFER_PROPERTY) == null) {
      // The JDK HttpClient reads each connection 16 KB at a time; segments are 0.1 to 2 MB. 64 KB reads
      // took a 300-segment recording 1.14 s instead of 1.22 s and 0.15 s less CPU (docs/BENCHMARKS.md).
      // Read once, when the first HttpClient class initialises: hence here, before any.
      System.setProperty(HTTP_BUFFER_PROPERTY, "65536");
    }
    if (streaming && mayFetchHttps(args)) {
      dev.kanal.hls.HlsRecorder.warmUp();
    }
    Object root = streaming ? new KanalCommand.Streaming() : new KanalCommand();
    return configure(new CommandLine(root), out, err).execute(args);
  }

  /**
   * Whether a record or play command line may need TLS soon: it names an https URL, or no http URL
   * at all (a channel name, whose sources may be https). Setting TLS up costs 0.2 to 0.3 s of CPU
   * that a plain-http recording does not need; an http stream that redirects to https still works,
   * TLS is then set up on that first connection.
   */
  static boolean mayFetchHttps(String[] args) {
    boolean http = false;
    for (String a : args) {
      String lower = a.toLowerCase(Locale.ROOT);
      if (lower.startsWith("https://")) {
        return true;
      }
      http |= lower.startsWith("http://");
    }
    return !http;
  }

  /** The configured command line, writing to the given streams (tests pass their own). */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return configure(new CommandLine(new KanalCommand()), out, err);
  }

  private static CommandLine configure(CommandLine cli, PrintWriter out, PrintWriter err) {
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setUsageHelpAutoWidth(true);
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println("kanal: " + e.getMessage());
      cmd.getErr().println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
      return EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((e, cmd, parseResult) -> {
      boolean debug = parseResult.expandedArgs().contains("--debug");
      cmd.getErr().println("kanal: " + userMessage(e));
      if (debug) {
        e.printStackTrace(cmd.getErr());
      } else if (!isExpected(e)) {
        cmd.getErr().println("Run again with --debug to see the stack trace.");
      }
      return e instanceof CommandException c ? c.exitCode() : 1;
    });
    return cli;
  }

  /** The one line a user sees for a failure. */
  static String userMessage(Throwable e) {
    if (e instanceof UncheckedIOException u) {
      e = u.getCause();
    }
    if (isExpected(e)) {
      return e.getMessage();
    }
    if (e instanceof IOException) {
      return e.getClass().getSimpleName().replace("Exception", "").toLowerCase(Locale.ROOT) + " error: " + e.getMessage();
    }
    return "internal error: " + e;
  }

  private static boolean isExpected(Throwable e) {
    return e instanceof CommandException || e instanceof ConfigException || e instanceof ServerStartException
        || e instanceof MediaToolException || e instanceof dev.kanal.playlist.PlaylistParseException
        || e instanceof dev.kanal.store.StoreException;
  }

  /**
   * Chooses the Logback configuration before the first logger exists: {@code --log-format json}
   * (or {@code KANAL_LOG_FORMAT=json}) gives JSON lines, else a human format, shorter on a terminal.
   */
  public static void configureLogging(String[] args, Map<String, String> env) {
    String format = env.getOrDefault("KANAL_LOG_FORMAT", "auto");
    String level = env.getOrDefault("KANAL_LOG_LEVEL", "info");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--log-format=")) {
        format = flag(LogSetup.FORMAT_FLAG, a.substring("--log-format=".length()));
      } else if (a.equals("--log-format") && i + 1 < args.length) {
        format = flag(LogSetup.FORMAT_FLAG, args[i + 1]);
      } else if (a.startsWith("--log-level=")) {
        level = flag(LogSetup.LEVEL_FLAG, a.substring("--log-level=".length()));
      } else if (a.equals("--log-level") && i + 1 < args.length) {
        level = flag(LogSetup.LEVEL_FLAG, args[i + 1]);
      } else if (a.equals("--debug")) {
        level = flag(LogSetup.LEVEL_FLAG, "debug");
      }
    }
    boolean json = format.equalsIgnoreCase("json");
    System.setProperty("logback.configurationFile", json ? LogSetup.JSON_CONFIG : LogSetup.TEXT_CONFIG);
    System.setProperty("kanal.log.level", level.toUpperCase(Locale.ROOT));
    if (!json && Terminal.isInteractive()) {
      System.setProperty("kanal.log.pattern", "%d{HH:mm:ss} %-5level %msg%n");
    }
  }

  private static String flag(String property, String value) {
    System.setProperty(property, value);
    return value;
  }
}
