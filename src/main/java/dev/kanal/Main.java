package dev.kanal;

import dev.kanal.cli.KanalCli;

/** The {@code kanal} executable. */
public final class Main {

  private Main() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    KanalCli.configureLogging(args, System.getenv());
    System.exit(KanalCli.run(args));
  }
}
