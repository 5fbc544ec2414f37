package dev.kanal.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kanal completion}: prints a shell completion script generated from the command model. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a completion script for bash or zsh.",
        "bash: source <(kanal completion bash)",
        "zsh:  source <(kanal completion zsh)"})
final class CompletionCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "bash|zsh", defaultValue = "bash",
      description = "The shell (default: bash).")
  String shell;

  @Override
  public Integer call() throws CommandException {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw new CommandException("unsupported shell '" + shell + "': use bash or zsh", KanalCli.EXIT_USAGE, null);
    }
    // picocli's script runs in zsh too, through bashcompinit, which it loads itself.
    Output.of(spec).print(AutoComplete.bash("kanal", spec.root().commandLine()));
    return 0;
  }
}
