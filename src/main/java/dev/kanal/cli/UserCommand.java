package dev.kanal.cli;

import dev.kanal.auth.AccountException;
import dev.kanal.auth.Accounts;
import dev.kanal.auth.Role;
import dev.kanal.auth.TokenKind;
import dev.kanal.config.KanalConfig;
import dev.kanal.store.Database;
import dev.kanal.store.StoreException;
import dev.kanal.store.UserStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kanal user add|passwd|list|remove|token|tokens|revoke}: accounts for access control (issue
 * #13). Works without a running server: it opens the same store the server uses ({@code kanal.db} in
 * the data folder, or Redis when {@code store.redis.url} is set), and a running server sees the change
 * at once. Passwords are asked twice on the terminal, or read from the first line of standard input
 * with {@code --password-stdin}; they are never an argument (arguments show in {@code ps} and shell history).
 */
@Command(name = "user", mixinStandardHelpOptions = true,
    description = {"Manage users and their tokens (access control; the server need not run).",
        "Exit code: 0 done, 1 an unknown user or token, a taken name, the last admin, 2 usage."},
    subcommands = {UserCommand.Add.class, UserCommand.Passwd.class, UserCommand.ListUsers.class, UserCommand.Remove.class,
        UserCommand.Token.class, UserCommand.Tokens.class, UserCommand.Revoke.class})
final class UserCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: run 'kanal user --help' for the list");
  }

  /** The accounts of the configured store, open for one command. */
  private record Opened(Accounts accounts, UserStore store, Optional<Database> db) implements AutoCloseable {
    @Override
    public void close() {
      store.close();
      db.ifPresent(Database::close);
    }
  }

  private static Opened open(ConfigOptions options) throws Exception {
    KanalConfig config = options.load(System.getenv());
    String redis = config.store().redis().url() == null ? "" : config.store().redis().url().strip();
    if (!redis.isEmpty()) {
      UserStore store = UserStore.redis(config.store().redis());
      return new Opened(Accounts.create(store, config.server().auth().sessionTtl(), Clock.systemUTC()), store, Optional.empty());
    }
    DataDir.prepare(config.storage().dataDir());
    Database db = Database.open(config.storage().dataDir().resolve(LibrarySetup.DATABASE));
    try {
      UserStore store = UserStore.sqlite(db);
      return new Opened(Accounts.create(store, config.server().auth().sessionTtl(), Clock.systemUTC()), store, Optional.of(db));
    } catch (StoreException | RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** Account errors as the one line a user sees: bad input is a usage error (2), the rest failures (1). */
  private static CommandException failure(AccountException e) {
    return new CommandException(e.getMessage(), e.reason() == AccountException.Reason.BAD_INPUT ? KanalCli.EXIT_USAGE : 1, e);
  }

  private static String checkedName(String name) throws CommandException {
    try {
      Accounts.checkName(name);
      return name;
    } catch (AccountException e) {
      throw failure(e);
    }
  }

  /** The new password: the first line of standard input, or asked twice on the terminal. */
  private static String newPassword(boolean fromStdin, String who) throws CommandException, IOException {
    if (fromStdin) {
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new CommandException("--password-stdin: standard input held no password (one line expected)",
            KanalCli.EXIT_USAGE, null);
      }
      return line;
    }
    Console console = System.console();
    if (console == null || !Terminal.isInteractive()) {
      throw new CommandException("no terminal to ask for the password: pipe it in with --password-stdin",
          KanalCli.EXIT_USAGE, null);
    }
    char[] first = console.readPassword("New password for %s: ", who);
    char[] second = console.readPassword("Again: ");
    if (first == null || second == null || !java.util.Arrays.equals(first, second)) {
      throw new CommandException("the two passwords differ; nothing was changed", KanalCli.EXIT_USAGE, null);
    }
    return new String(first);
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user (asks for the password).")
  static final class Add implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOptions configOptions;
    @Parameters(paramLabel = "NAME", description = "1-32 characters of a-z, 0-9, '.', '_', '-'.")
    String name;
    @Option(names = "--admin", description = "An admin: settings, sources, packaging, deleting, users.")
    boolean admin;
    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() throws Exception {
      checkedName(name);
      String password = newPassword(passwordStdin, name);
      try (Opened o = open(configOptions)) {
        Accounts.User u = o.accounts().addUser(name, password, admin ? Role.ADMIN : Role.USER);
        Output.of(spec).println("Added " + u.role().label() + " '" + u.name() + "' (" + o.accounts().description() + ").");
        return 0;
      } catch (AccountException e) {
        throw failure(e);
      }
    }
  }

  @Command(name = "passwd", mixinStandardHelpOptions = true,
      description = "Set a user's password (asks for it); ends every login of the user.")
  static final class Passwd implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOptions configOptions;
    @Parameters(paramLabel = "NAME")
    String name;
    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Override
    public Integer call() throws Exception {
      checkedName(name);
      try (Opened o = open(configOptions)) {
        if (o.accounts().user(name).isEmpty()) {
          throw new CommandException("no user named '" + name + "' (see 'kanal user list')");
        }
        o.accounts().setPassword(name, newPassword(passwordStdin, name));
        Output.of(spec).println("Password of '" + name + "' changed; their logins have ended.");
        return 0;
      } catch (AccountException e) {
        throw failure(e);
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users.")
  static final class ListUsers implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOptions configOptions;
    @Option(names = "--json", description = "As JSON: [{\"name\", \"role\", \"createdAt\"}].")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try (Opened o = open(configOptions)) {
        PrintWriter out = Output.of(spec);
        JsonArray array = new JsonArray();
        java.util.List<Accounts.User> all = o.accounts().users();
        for (Accounts.User u : all) {
          if (json) {
            array.add(new JsonObject().put("name", u.name()).put("role", u.role().label()).put("createdAt", u.createdAt().toString()));
          } else {
            out.printf("%-32s %-6s %s%n", u.name(), u.role().label(), u.createdAt());
          }
        }
        if (json) {
          out.println(array.encodePrettily());
        } else if (all.isEmpty()) {
          out.println("No users yet: kanal user add NAME --admin");
        }
        return 0;
      }
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user with their logins and tokens.")
  static final class Remove implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOptions configOptions;
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
      checkedName(name);
      try (Opened o = open(configOptions)) {
        o.accounts().removeUser(name);
        Output.of(spec).println("Removed '" + name + "' with their logins and tokens.");
        return 0;
      } catch (AccountException e) {
        throw failure(e);
      }
    }
  }

  /** {@code --player} or {@code --api}, one at most. */
  static final class KindOption {
    @Option(names = "--player", description = "A player token (the default): media only, read-only; for playlist URLs and tuners.")
    boolean player;
    @Option(names = "--api", description = "An API token: acts as the user (Authorization: Bearer), for scripts.")
    boolean api;
  }

  @Command(name = "token", mixinStandardHelpOptions = true,
      description = {"Make a token for a user and print it (shown this once).",
          "A player token gives URLs for players: BASE/t/TOKEN/iptv/playlist.m3u, BASE/t/TOKEN (HDHomeRun)."})
  static final class Token implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOptions configOptions;
    @Parameters(paramLabel = "NAME")
    String name;
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    KindOption kind;
    @Option(names = "--label", paramLabel = "L", description = "What the token is for (at most 64 characters).")
    String label = "";
    @Option(names = "--json", description = "As JSON: {\"id\", \"user\", \"kind\", \"label\", \"createdAt\", \"token\"}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      checkedName(name);
      TokenKind k = kind != null && kind.api ? TokenKind.API : TokenKind.PLAYER;
      try (Opened o = open(configOptions)) {
        Accounts.NewToken t = o.accounts().createToken(name, k, label);
        PrintWriter out = Output.of(spec);
        if (json) {
          out.println(tokenJson(t.info()).put("token", t.secret()).encodePrettily());
        } else {
          out.println(t.secret());
          spec.commandLine().getErr().println("kanal: " + k.label() + " token " + t.info().id() + " for '" + name
              + "' (shown this once; revoke with 'kanal user revoke " + t.info().id() + "')"
              + (k == TokenKind.PLAYER ? ". Playlist: http://HOST:PORT/t/" + t.secret() + "/iptv/playlist.m3u" : ""));
        }
        return 0;
      } catch (AccountException e) {
        throw failure(e);
      }
    }
  }

  @Command(name = "tokens", mixinStandardHelpOptions = true, description = "List tokens (of one user, or everyone's).")
  static final class Tokens implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOptions configOptions;
    @Parameters(paramLabel = "NAME", arity = "0..1")
    String name;
    @Option(names = "--json", description = "As JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (name != null) {
        checkedName(name);
      }
      try (Opened o = open(configOptions)) {
        if (name != null && o.accounts().user(name).isEmpty()) {
          throw new CommandException("no user named '" + name + "' (see 'kanal user list')");
        }
        PrintWriter out = Output.of(spec);
        JsonArray array = new JsonArray();
        for (Accounts.TokenInfo t : o.accounts().tokens(Optional.ofNullable(name))) {
          if (json) {
            array.add(tokenJson(t));
          } else {
            out.printf("%-12s %-20s %-6s %-24s %s%n", t.id(), t.user(), t.kind().label(), t.createdAt(), t.label());
          }
        }
        if (json) {
          out.println(array.encodePrettily());
        }
        return 0;
      }
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token by its id (see 'kanal user tokens').")
  static final class Revoke implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOptions configOptions;
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws Exception {
      try (Opened o = open(configOptions)) {
        if (!o.accounts().revokeToken(id)) {
          throw new CommandException("no token with id '" + (id.length() > 40 ? id.substring(0, 40) + "…" : id)
              + "' (see 'kanal user tokens')");
        }
        Output.of(spec).println("Revoked token " + id + ".");
        return 0;
      }
    }
  }

  private static JsonObject tokenJson(Accounts.TokenInfo t) {
    return new JsonObject().put("id", t.id()).put("user", t.user()).put("kind", t.kind().label()).put("label", t.label())
        .put("createdAt", t.createdAt().toString());
  }
}
