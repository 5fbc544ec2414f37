package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.store.Database;
import dev.kanal.store.UserStore;
import dev.kanal.testing.LanAddress;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kanal user ...} without a server, and {@code serve} refusing to run open on the LAN. */
class UserCommandTest {

  @TempDir Path dir;
  private final InputStream stdin = System.in;

  record Run(int exit, String out, String err) {}

  Run run(String input, String... args) {
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KanalCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  Run user(String input, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "user";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--data";
    all[args.length + 2] = dir.resolve("data").toString();
    return run(input, all);
  }

  @AfterEach
  void restoreStdin() {
    System.setIn(stdin);
  }

  @Test
  void addListTokenRevokePasswdRemove_workWithoutAServer() throws Exception {
    Run add = user("s3cret password\n", "add", "alice", "--admin", "--password-stdin");
    assertThat(add.exit()).as(add.err()).isZero();
    assertThat(add.out()).contains("Added admin 'alice'");
    assertThat(user("bobs password\n", "add", "bob", "--password-stdin").exit()).isZero();
    assertThat(user("", "list").out()).contains("alice").contains("admin").contains("bob");
    assertThat(user("", "list", "--json").out()).contains("\"name\" : \"bob\"");

    Run token = user("", "token", "bob", "--api", "--label", "backup script");
    assertThat(token.exit()).as(token.err()).isZero();
    String secret = token.out().strip();
    assertThat(secret).matches("kanal_a_[A-Za-z0-9_-]{43}");
    Run player = user("", "token", "bob", "--json");
    assertThat(player.out()).contains("\"kind\" : \"player\"").contains("kanal_p_");
    Run tokens = user("", "tokens", "bob");
    assertThat(tokens.out()).contains("backup script").doesNotContain(secret);
    String id = tokens.out().lines().filter(l -> l.contains("backup script")).findFirst().orElseThrow().split("\\s+")[0];
    assertThat(user("", "revoke", id).exit()).isZero();
    assertThat(user("", "tokens", "bob").out()).doesNotContain("backup script");
    assertThat(user("", "revoke", id).exit()).isEqualTo(1);

    try (Database db = Database.open(dir.resolve("data").resolve("kanal.db"))) {
      String hash = UserStore.sqlite(db).user("alice").orElseThrow().passwordHash();
      assertThat(hash).startsWith("$argon2id$").doesNotContain("s3cret");
    }
    assertThat(user("another password\n", "passwd", "alice", "--password-stdin").exit()).isZero();
    Run last = user("", "remove", "alice");
    assertThat(last.exit()).isEqualTo(1);
    assertThat(last.err()).contains("last admin");
    assertThat(user("", "remove", "bob").exit()).isZero();
    assertThat(user("", "list").out()).doesNotContain("bob");
  }

  @Test
  void badInput_isOneLineNamingIt_withoutAStackTrace() {
    Run badName = user("password123\n", "add", "Bad Name!", "--password-stdin");
    assertThat(badName.exit()).isEqualTo(2);
    assertThat(badName.err()).startsWith("kanal: a user name must be").contains("'Bad Name!'").doesNotContain("\tat ");
    Run shortPassword = user("short\n", "add", "carol", "--password-stdin");
    assertThat(shortPassword.exit()).isEqualTo(2);
    assertThat(shortPassword.err()).contains("at least 8 characters").doesNotContain("\tat ");
    Run noStdin = user("", "add", "carol", "--password-stdin");
    assertThat(noStdin.exit()).isEqualTo(2);
    assertThat(noStdin.err()).contains("--password-stdin");
    Run unknown = user("password123\n", "passwd", "nobody", "--password-stdin");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("no user named 'nobody'");
    Run taken = user("password123\n", "add", "dave", "--password-stdin");
    assertThat(taken.exit()).isZero();
    assertThat(user("password123\n", "add", "dave", "--password-stdin").err()).contains("already exists");
    assertThat(user("", "token", "nobody").exit()).isEqualTo(1);
    assertThat(user("", "token", "dave", "--api", "--player").exit()).isEqualTo(2);
  }

  @Test
  void serve_authOffOnALanAddress_isRefusedWithOneSentence() throws Exception {
    Path config = Files.writeString(dir.resolve("kanal.yaml"), "server:\n  auth:\n    mode: \"off\"\n");
    Run r = run("", "serve", "--config", config.toString(), "--host", LanAddress.ipv4(), "--port", "0",
        "--data", dir.resolve("data").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("kanal: server.auth.mode is off but server.host").contains("allowOpen")
        .doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(r.err().lines().count()).isEqualTo(1);
  }
}
