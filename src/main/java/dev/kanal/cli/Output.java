package dev.kanal.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** Where a command prints: the command line's own writer, so tests and embedding can capture it. */
final class Output {

  private Output() {}

  static PrintWriter of(CommandSpec spec) {
    return spec.commandLine().getOut();
  }
}
