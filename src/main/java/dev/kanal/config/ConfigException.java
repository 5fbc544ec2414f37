package dev.kanal.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration cannot be used; the message has one line per problem, each naming key and origin. */
public final class ConfigException extends Exception {

  private final List<ConfigProblem> problems;

  ConfigException(List<ConfigProblem> problems) {
    super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  ConfigException(ConfigProblem problem) {
    this(List.of(problem));
  }

  /** Every problem found, in file order where known. */
  public List<ConfigProblem> problems() {
    return problems;
  }
}
