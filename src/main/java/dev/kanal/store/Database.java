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
 * Kanal's embedded database: one SQLite file in the data dir, in WAL mode, with schema migrations
 * keyed by {@code PRAGMA user_version}.
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

  /**
   * One named schema step, applied once, in order.
   *
   * @param owner the capability that owns the tables, for messages (e.g. "library")
   * @param statements the SQL statements of this step
   */
  public record Migration(String owner, List<String> statements) {
    public Migration {
      statements = List.copyOf(statements);
    }
  }

  private final Path file;
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();

  private Database(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /**
   * Opens (or creates) the database at {@code file} and brings its schema up to date with
   * {@code migrations}, each applied in its own transaction.
   *
   * @throws StoreException naming the file when it cannot be opened, is not a Kanal database, or
   *     was written by a newer Kanal
   */
  public static Database open(Path file, List<Migration> migrations) throws StoreException {
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
    try {
      try (Statement s = connection.createStatement()) {
        s.execute("PRAGMA busy_timeout = 10000");
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = NORMAL");
        s.execute("PRAGMA foreign_keys = ON");
      }
      db.migrate(migrations);
      return db;
    } catch (SQLException | StoreException e) {
      db.close();
      if (e instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("the database " + file + " cannot be used: " + e.getMessage()
          + " (move it away to start with an empty one)", e);
    }
  }

  private void migrate(List<Migration> migrations) throws SQLException, StoreException {
    int version;
    try (Statement s = connection.createStatement(); var rs = s.executeQuery("PRAGMA user_version")) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    if (version > migrations.size()) {
      throw new StoreException("the database " + file + " has schema version " + version
          + " but this Kanal knows only up to " + migrations.size() + "; it was written by a newer Kanal");
    }
    for (int v = version; v < migrations.size(); v++) {
      Migration m = migrations.get(v);
      int target = v + 1;
      transaction(c -> {
        try (Statement s = c.createStatement()) {
          for (String sql : m.statements()) {
            s.execute(sql);
          }
          s.execute("PRAGMA user_version = " + target);
        }
        return null;
      });
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
