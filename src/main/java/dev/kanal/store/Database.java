package dev.kanal.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Kanal's embedded database: one SQLite file in the data dir, in WAL mode, shared by the
 * capabilities; each migrates its own tables ({@link #migrate}), versions kept per owner in
 * {@code kanal_schema}.
 *
 * <p>One connection, used under a lock: SQLite serialises writers anyway, and Kanal's hot paths
 * (serving bytes) read from in-memory indexes, not from here. Blocking: never call from an event loop.
 */
public final class Database implements AutoCloseable {

  /** Work done with the connection; may throw {@link SQLException}. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final Path file;
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();

  private Database(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /**
   * Opens (or creates) the database at {@code file}.
   *
   * @throws StoreException naming the file when it cannot be opened or is not a database
   */
  public static Database open(Path file) throws StoreException {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new StoreException("cannot create the folder of " + file + ": " + e.getMessage(), e);
    }
    Connection connection;
    try {
      connection = DriverManager.getConnection("jdbc:sqlite:" + file);
    } catch (SQLException e) {
      throw new StoreException("cannot open the database " + file + ": " + e.getMessage(), e);
    }
    Database db = new Database(file, connection);
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA busy_timeout = 10000");
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("PRAGMA synchronous = NORMAL");
      s.execute("PRAGMA foreign_keys = ON");
      s.execute("CREATE TABLE IF NOT EXISTS kanal_schema (owner TEXT PRIMARY KEY, version INTEGER NOT NULL)");
      return db;
    } catch (SQLException e) {
      db.close();
      throw new StoreException("the database " + file + " cannot be used: " + e.getMessage()
          + " (move it away to start with an empty one)", e);
    }
  }

  /**
   * Brings {@code owner}'s tables up to date: step i (from 0) is schema version i + 1; steps already
   * applied are skipped, each new one runs in its own transaction. Append steps, never edit one.
   *
   * @throws StoreException when the database was written by a newer Kanal, or a step fails
   */
  public void migrate(String owner, List<List<String>> steps) throws StoreException {
    try {
      int version = read(c -> {
        try (var ps = c.prepareStatement("SELECT version FROM kanal_schema WHERE owner = ?")) {
          ps.setString(1, owner);
          try (var rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
          }
        }
      });
      if (version > steps.size()) {
        throw new StoreException("the " + owner + " tables in " + file + " have schema version " + version
            + " but this Kanal knows only up to " + steps.size() + "; they were written by a newer Kanal");
      }
      for (int v = version; v < steps.size(); v++) {
        List<String> step = steps.get(v);
        int target = v + 1;
        transaction(c -> {
          try (Statement s = c.createStatement()) {
            for (String sql : step) {
              s.execute(sql);
            }
          }
          try (var ps = c.prepareStatement("INSERT OR REPLACE INTO kanal_schema (owner, version) VALUES (?, ?)")) {
            ps.setString(1, owner);
            ps.setInt(2, target);
            ps.executeUpdate();
          }
          return null;
        });
      }
    } catch (SQLException e) {
      throw new StoreException("cannot update the " + owner + " tables in " + file + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code work} with the connection, in autocommit mode. */
  public <T> T read(Work<T> work) throws SQLException {
    lock.lock();
    try {
      return work.run(connection);
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
  public <T> T transaction(Work<T> work) throws SQLException {
    lock.lock();
    try {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } finally {
      lock.unlock();
    }
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing is best effort; the WAL is checkpointed on the next open.
    } finally {
      lock.unlock();
    }
  }
}
