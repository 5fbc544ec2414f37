package dev.kanal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link UserStore} in the embedded SQLite database (tables {@code auth_*}, owner {@code auth}).
 * Logins and tokens reference their user, so removing a user removes them (foreign keys are on).
 */
final class SqliteUserStore implements UserStore {

  private static final List<List<String>> SCHEMA = List.of(List.of(
      """
      CREATE TABLE auth_users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL)""",
      """
      CREATE TABLE auth_logins (
        id_hash TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES auth_users (name) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL)""",
      "CREATE INDEX auth_logins_user ON auth_logins (user_name)",
      "CREATE INDEX auth_logins_expiry ON auth_logins (expires_at)",
      """
      CREATE TABLE auth_tokens (
        id TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL UNIQUE,
        user_name TEXT NOT NULL REFERENCES auth_users (name) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        label TEXT NOT NULL,
        created_at INTEGER NOT NULL)""",
      "CREATE INDEX auth_tokens_user ON auth_tokens (user_name)"));

  private static final String TOKEN_COLUMNS = "id, user_name, kind, label, created_at";

  private final Database db;

  private SqliteUserStore(Database db) {
    this.db = db;
  }

  static SqliteUserStore open(Database db) throws StoreException {
    db.migrate("auth", SCHEMA);
    return new SqliteUserStore(db);
  }

  @Override
  public boolean addUser(User user) throws StoreException {
    return run(() -> db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT OR IGNORE INTO auth_users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)")) {
        ps.setString(1, user.name());
        ps.setString(2, user.role());
        ps.setString(3, user.passwordHash());
        ps.setLong(4, user.createdAt().toEpochMilli());
        return ps.executeUpdate() == 1;
      }
    }));
  }

  @Override
  public Optional<User> user(String name) throws StoreException {
    return run(() -> db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT name, role, password_hash, created_at FROM auth_users WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(user(rs)) : Optional.<User>empty();
        }
      }
    }));
  }

  @Override
  public List<User> users() throws StoreException {
    return run(() -> db.read(c -> {
      List<User> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT name, role, password_hash, created_at FROM auth_users ORDER BY name");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(user(rs));
        }
      }
      return out;
    }));
  }

  @Override
  public boolean setPassword(String name, String passwordHash) throws StoreException {
    return run(() -> db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE auth_users SET password_hash = ? WHERE name = ?")) {
        ps.setString(1, passwordHash);
        ps.setString(2, name);
        if (ps.executeUpdate() == 0) {
          return false;
        }
      }
      update(c, "DELETE FROM auth_logins WHERE user_name = ?", name);
      return true;
    }));
  }

  @Override
  public boolean removeUser(String name) throws StoreException {
    return run(() -> db.transaction(c -> update(c, "DELETE FROM auth_users WHERE name = ?", name) == 1));
  }

  @Override
  public boolean addLogin(String idHash, Login login) throws StoreException {
    return run(() -> db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO auth_logins (id_hash, user_name, created_at, expires_at) "
          + "SELECT ?, name, ?, ? FROM auth_users WHERE name = ?")) {
        ps.setString(1, idHash);
        ps.setLong(2, login.createdAt().toEpochMilli());
        ps.setLong(3, login.expiresAt().toEpochMilli());
        ps.setString(4, login.user());
        return ps.executeUpdate() == 1;
      }
    }));
  }

  @Override
  public Optional<Login> login(String idHash) throws StoreException {
    return run(() -> db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT user_name, created_at, expires_at FROM auth_logins WHERE id_hash = ?")) {
        ps.setString(1, idHash);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new Login(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
              Instant.ofEpochMilli(rs.getLong(3)))) : Optional.<Login>empty();
        }
      }
    }));
  }

  @Override
  public void extendLogin(String idHash, Instant expiresAt) throws StoreException {
    run(() -> db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE auth_logins SET expires_at = ? WHERE id_hash = ?")) {
        ps.setLong(1, expiresAt.toEpochMilli());
        ps.setString(2, idHash);
        return ps.executeUpdate();
      }
    }));
  }

  @Override
  public boolean removeLogin(String idHash) throws StoreException {
    return run(() -> db.transaction(c -> update(c, "DELETE FROM auth_logins WHERE id_hash = ?", idHash) == 1));
  }

  @Override
  public boolean addToken(Token token, String secretHash) throws StoreException {
    return run(() -> db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO auth_tokens (secret_hash, " + TOKEN_COLUMNS + ") "
          + "SELECT ?, ?, name, ?, ?, ? FROM auth_users WHERE name = ?")) {
        ps.setString(1, secretHash);
        ps.setString(2, token.id());
        ps.setString(3, token.kind());
        ps.setString(4, token.label());
        ps.setLong(5, token.createdAt().toEpochMilli());
        ps.setString(6, token.user());
        return ps.executeUpdate() == 1;
      }
    }));
  }

  @Override
  public Optional<Token> tokenByHash(String secretHash) throws StoreException {
    return oneToken("secret_hash", secretHash);
  }

  @Override
  public Optional<Token> token(String id) throws StoreException {
    return oneToken("id", id);
  }

  private Optional<Token> oneToken(String column, String value) throws StoreException {
    return run(() -> db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + TOKEN_COLUMNS + " FROM auth_tokens WHERE " + column + " = ?")) {
        ps.setString(1, value);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(token(rs)) : Optional.<Token>empty();
        }
      }
    }));
  }

  @Override
  public List<Token> tokens(Optional<String> user) throws StoreException {
    return run(() -> db.read(c -> {
      List<Token> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + TOKEN_COLUMNS + " FROM auth_tokens"
          + (user.isPresent() ? " WHERE user_name = ?" : "") + " ORDER BY created_at, id")) {
        if (user.isPresent()) {
          ps.setString(1, user.get());
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(token(rs));
          }
        }
      }
      return out;
    }));
  }

  @Override
  public boolean removeToken(String id) throws StoreException {
    return run(() -> db.transaction(c -> update(c, "DELETE FROM auth_tokens WHERE id = ?", id) == 1));
  }

  @Override
  public void sweep(Instant now) throws StoreException {
    run(() -> db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM auth_logins WHERE expires_at < ?")) {
        ps.setLong(1, now.toEpochMilli());
        return ps.executeUpdate();
      }
    }));
  }

  @Override
  public String description() {
    return "sqlite";
  }

  @Override
  public void close() {
    // The database belongs to the caller.
  }

  private static User user(ResultSet rs) throws SQLException {
    return new User(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
  }

  private static Token token(ResultSet rs) throws SQLException {
    return new Token(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)));
  }

  private static int update(Connection c, String sql, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, value);
      return ps.executeUpdate();
    }
  }

  @FunctionalInterface
  private interface Sql<T> {
    T run() throws SQLException;
  }

  private <T> T run(Sql<T> work) throws StoreException {
    try {
      return work.run();
    } catch (SQLException e) {
      throw new StoreException("the user tables in " + db.file() + " failed: " + e.getMessage(), e);
    }
  }
}
