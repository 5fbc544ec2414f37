package dev.kanal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kanal.config.ConfigException;
import dev.kanal.config.ConfigExample;
import dev.kanal.config.ConfigLoader;
import dev.kanal.config.ConfigProblem;
import dev.kanal.config.KanalConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kanal config init|check|show}. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Write, check and show the configuration.",
    subcommands = {ConfigCommand.Init.class, ConfigCommand.Check.class, ConfigCommand.Show.class})
final class ConfigCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: init, check or show");
  }

  @Command(name = "init", mixinStandardHelpOptions = true, description = "Write a commented example config file.")
  static final class Init implements Callable<Integer> {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", defaultValue = "kanal.yaml",
        description = "Where to write it (default: kanal.yaml; a .toml name writes TOML).")
    Path file;

    @Option(names = "--force", description = "Overwrite an existing file.")
    boolean force;

    @Option(names = "--stdout", description = "Print the example instead of writing a file.")
    boolean stdout;

    @Override
    public Integer call() throws CommandException {
      String text = file.toString().endsWith(".toml") ? ConfigExample.toml() : ConfigExample.yaml();
      if (stdout) {
        Output.of(spec).print(text);
        return 0;
      }
      if (Files.exists(file) && !force) {
        throw new CommandException(file + " already exists: use --force to overwrite it");
      }
      try {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".kanal-config-", ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new CommandException("cannot write " + file + ": " + e.getMessage());
      }
      Output.of(spec).println("Wrote " + file + ". Check it with: kanal config check " + file);
      return 0;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Check a config file: every problem is printed with file, line and key.",
          "Exit code: 0 valid, 1 invalid."})
  static final class Check implements Callable<Integer> {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(index = "0", paramLabel = "FILE", description = "The config file (kanal.yaml or kanal.toml).")
    Path file;

    @Option(names = "--json", description = "Print {\"valid\", \"problems\": [{\"origin\", \"key\", \"message\"}]}.")
    boolean json;

    @Override
    public Integer call() throws ConfigException {
      List<ConfigProblem> problems;
      try {
        ConfigLoader.load(Optional.of(file), Map.of(), List.of());
        problems = List.of();
      } catch (ConfigException e) {
        if (!json) {
          throw e;
        }
        problems = e.problems();
      }
      if (json) {
        ObjectNode out = new ObjectMapper().createObjectNode().put("file", file.toString()).put("valid", problems.isEmpty());
        ArrayNode list = out.putArray("problems");
        problems.forEach(p -> list.addObject().put("origin", p.origin()).put("key", p.key()).put("message", p.message()));
        Output.of(spec).println(out.toPrettyString());
        return problems.isEmpty() ? 0 : 1;
      }
      Output.of(spec).println(file + ": ok");
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print the effective configuration (defaults, file, KANAL_* variables and flags merged).")
  static final class Show implements Callable<Integer> {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;
    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--json", description = "Print JSON instead of YAML.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      KanalConfig config = configOptions.load(System.getenv());
      Output.of(spec).print(json ? ConfigLoader.toJson(config).toPrettyString() + "\n" : ConfigLoader.toYaml(config));
      return 0;
    }
  }
}
