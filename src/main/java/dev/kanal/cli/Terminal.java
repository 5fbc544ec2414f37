package dev.kanal.cli;

import java.io.Console;

/** Whether standard output is an interactive terminal (for progress bars and short log lines). */
final class Terminal {

  private Terminal() {}

  static boolean isInteractive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      // Java 22+ returns a Console even when redirected; isTerminal() tells the truth there.
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
