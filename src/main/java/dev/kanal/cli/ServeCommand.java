package dev.kanal.cli;

import dev.kanal.config.KanalConfig;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kanal serve}: runs the server until SIGTERM or SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Start the Kanal server (web UI, API, relay, media) and run until stopped.")
final class ServeCommand implements Callable<Integer> {

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
    DataDir.prepare(config.storage().dataDir());
    Application app = Application.start(config, Optional.empty());
    Output.of(spec).println("Kanal is serving at " + app.url() + "/  (Ctrl-C to stop)");
    Output.of(spec).flush();
    app.firstRunHint().ifPresent(hint -> {
      spec.commandLine().getErr().println("kanal: " + hint);
      spec.commandLine().getErr().flush();
    });
    app.awaitShutdown();
    return 0;
  }
}
