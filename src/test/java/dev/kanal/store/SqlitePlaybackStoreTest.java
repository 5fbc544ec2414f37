package dev.kanal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.PlaybackConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The playback store contract on the embedded SQLite database, plus what only it has: reopening. */
class SqlitePlaybackStoreTest extends PlaybackStoreContract {

  @TempDir
  Path dir;

  private final List<Database> databases = new ArrayList<>();
  private int n;

  @Override
  PlaybackStore create(PlaybackConfig config) throws Exception {
    Database db = Database.open(dir.resolve("kanal-" + (n++) + ".db"));
    databases.add(db);
    return PlaybackStore.sqlite(db, config, Clock.systemUTC());
  }

  @AfterEach
  void closeDatabases() {
    databases.forEach(Database::close);
  }

  @Test
  void reopen_keepsProgressAndSessions() throws Exception {
    Path file = dir.resolve("reopen.db");
    try (Database db = Database.open(file)) {
      PlaybackStore store = PlaybackStore.sqlite(db, DEFAULTS, Clock.systemUTC());
      store.putProgress("default", entry("v1", "tv", 99, T0));
      store.startSession(start("s1", PlaybackSession.Kind.VIDEO, "v1")).orElseThrow();
    }
    try (Database db = Database.open(file)) {
      PlaybackStore store = PlaybackStore.sqlite(db, DEFAULTS, Clock.systemUTC());
      assertThat(store.progress("default", "v1").orElseThrow().latest().position().toSeconds()).isEqualTo(99);
      assertThat(store.activeSessions(10)).extracting(PlaybackSession::id).containsExactly("s1");
      assertThat(store.description()).isEqualTo("sqlite");
    }
  }
}
