package dev.kanal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user store contract on the embedded SQLite database, plus reopening. */
class SqliteUserStoreTest extends UserStoreContract {

  @TempDir
  Path dir;

  private final List<Database> databases = new ArrayList<>();
  private int n;

  @Override
  UserStore create() throws Exception {
    Database db = Database.open(dir.resolve("kanal-" + (n++) + ".db"));
    databases.add(db);
    return UserStore.sqlite(db);
  }

  @AfterEach
  void closeDatabases() {
    databases.forEach(Database::close);
  }

  @Test
  void reopen_keepsUsersLoginsAndTokens() throws Exception {
    Path file = dir.resolve("reopen.db");
    try (Database db = Database.open(file)) {
      UserStore s = UserStore.sqlite(db);
      s.addUser(user("alice", "admin"));
      s.addLogin("h", new UserStore.Login("alice", T0, T0.plusSeconds(60)));
      s.addToken(new UserStore.Token("t", "alice", "player", "tv", T0), "th");
    }
    try (Database db = Database.open(file)) {
      UserStore s = UserStore.sqlite(db);
      assertThat(s.user("alice")).isPresent();
      assertThat(s.login("h")).isPresent();
      assertThat(s.tokenByHash("th")).isPresent();
      assertThat(s.description()).isEqualTo("sqlite");
    }
  }
}
