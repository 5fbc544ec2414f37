package dev.kanal.store;

import dev.kanal.config.KanalConfig;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Accounts for access control (issue #13): users with a password hash and a role, login sessions and
 * API tokens, both stored only as hashes of their secrets. Two implementations behave the same (one
 * contract test suite runs against both): the embedded SQLite database (one node) and Redis (several
 * nodes sharing users, logins and tokens). The store checks nothing about passwords or expiry; that
 * is {@code auth}'s job. Every method blocks: call it from a virtual thread, never from an event loop.
 */
public interface UserStore extends AutoCloseable {

  /**
   * A user.
   *
   * @param name the unique name (lower case, checked by {@code auth})
   * @param role {@code admin} or {@code user}
   * @param passwordHash a PHC string ({@code $argon2id$...}); never the password
   * @param createdAt when the user was added
   */
  record User(String name, String role, String passwordHash, Instant createdAt) {}

  /**
   * A login session: the hash of the cookie's secret names it.
   *
   * @param user the user it belongs to
   * @param createdAt when the user logged in
   * @param expiresAt when it ends unless used again (sliding)
   */
  record Login(String user, Instant createdAt, Instant expiresAt) {}

  /**
   * An API or player token (its secret is never stored, only a hash of it).
   *
   * @param id a public id for listing and revoking
   * @param user the user it acts for
   * @param kind {@code api} or {@code player}
   * @param label what the user called it
   * @param createdAt when it was made
   */
  record Token(String id, String user, String kind, String label, Instant createdAt) {}

  /** Adds a user; false when the name is taken. */
  boolean addUser(User user) throws StoreException;

  /** The user of that name. */
  Optional<User> user(String name) throws StoreException;

  /** Every user, by name. */
  List<User> users() throws StoreException;

  /** Replaces a user's password hash and ends every login of theirs; false when there is no such user. */
  boolean setPassword(String name, String passwordHash) throws StoreException;

  /** Removes a user with their logins and tokens; false when there was no such user. */
  boolean removeUser(String name) throws StoreException;

  /** Records a login under the hash of its secret; false when the user no longer exists. */
  boolean addLogin(String idHash, Login login) throws StoreException;

  /** The login with that hash; one expired may still be there (the caller checks {@link Login#expiresAt}) or gone. */
  Optional<Login> login(String idHash) throws StoreException;

  /** Moves a login's expiry (sliding sessions). */
  void extendLogin(String idHash, Instant expiresAt) throws StoreException;

  /** Ends a login; false when there was none. */
  boolean removeLogin(String idHash) throws StoreException;

  /** Adds a token under the hash of its secret; false when its user no longer exists. */
  boolean addToken(Token token, String secretHash) throws StoreException;

  /** The token whose secret has that hash. */
  Optional<Token> tokenByHash(String secretHash) throws StoreException;

  /** The token with that id. */
  Optional<Token> token(String id) throws StoreException;

  /** The tokens of one user, or of everyone when {@code user} is empty, oldest first. */
  List<Token> tokens(Optional<String> user) throws StoreException;

  /** Revokes a token; false when there was none. */
  boolean removeToken(String id) throws StoreException;

  /** Housekeeping: drops logins that expired before {@code now}. */
  void sweep(Instant now) throws StoreException;

  /** What backs the store, for logs: {@code sqlite} or {@code redis://host:port} (never a password). */
  String description();

  @Override
  void close();

  /**
   * The store the config asks for: Redis when {@code store.redis.url} is set (so several nodes share
   * users and logins), else the embedded database {@code db}.
   */
  static UserStore open(KanalConfig.StoreConfig store, Database db) throws StoreException {
    String url = store.redis().url() == null ? "" : store.redis().url().strip();
    if (!url.isEmpty()) {
      return redis(store.redis());
    }
    return sqlite(db);
  }

  /** The store in the embedded database (tables owned by {@code auth}). */
  static UserStore sqlite(Database db) throws StoreException {
    return SqliteUserStore.open(db);
  }

  /** The store in Redis; checks the connection with a PING. */
  static UserStore redis(KanalConfig.RedisConfig redis) throws StoreException {
    return RedisUserStore.connect(redis);
  }
}
