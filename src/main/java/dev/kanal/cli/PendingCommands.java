package dev.kanal.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Commands whose capability has not landed yet: each says so, names its issue, and exits 2.
 * They accept any arguments, so that what users type today fails with this message rather than a
 * usage error.
 */
final class PendingCommands {

  private PendingCommands() {}

  abstract static class Pending implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Parameters(arity = "0..*", hidden = true)
    List<String> args;

    abstract String issue();

    @Override
    public Integer call() throws CommandException {
      throw new CommandException("'" + spec.qualifiedName() + "' is not available yet in this version ("
          + issue() + ")", KanalCli.EXIT_USAGE, null);
    }
  }

  @Command(name = "discover", mixinStandardHelpOptions = true, description = "Find Kanal servers and HDHomeRun tuners on the LAN.")
  static final class Discover extends Pending {
    @Override
    String issue() {
      return "planned with LAN discovery, issue #11";
    }
  }
}
