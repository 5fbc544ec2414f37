package dev.kanal.auth;

import dev.kanal.auth.AccountException.Reason;
import dev.kanal.store.StoreException;
import dev.kanal.store.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Users, logins and tokens over a {@link UserStore}: the rules the HTTP routes and {@code kanal user}
 * share. Passwords are argon2id hashes ({@link Passwords}); login sessions and tokens are random
 * 256-bit secrets the store keeps only as SHA-256 hashes ({@link Secrets}). Logins slide: each use
 * moves the expiry to now + {@code sessionTtl} (written at most once a minute). A password change
 * ends every login of the user; removing a user removes their logins and tokens. Blocking: call
 * from a virtual thread.
 */
public final class Accounts {

  /** User names: 1-32 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");
  /** Token secrets as made here: {@code kanal_a_...} (API) or {@code kanal_p_...} (player), 43 base64url characters. */
  public static final Pattern TOKEN = Pattern.compile("kanal_[ap]_[A-Za-z0-9_-]{43}");
  /** Login secrets (the cookie's value): 43 base64url characters. */
  public static final Pattern SESSION = Pattern.compile("[A-Za-z0-9_-]{43}");
  /** Shortest password accepted. */
  public static final int MIN_PASSWORD = 8;
  /** Longest password accepted (argon2 takes any length; this bounds the work a request can ask for). */
  public static final int MAX_PASSWORD = 1024;
  /** Tokens one user may hold. */
  public static final int MAX_TOKENS = 100;
  /** Characters of a token's label. */
  public static final int MAX_LABEL = 64;

  /**
   * A user as shown (never with the hash).
   *
   * @param name the name
   * @param role the role
   * @param createdAt when it was added
   */
  public record User(String name, Role role, Instant createdAt) {}

  /**
   * A token as listed (never with its secret).
   *
   * @param id the public id, for revoking
   * @param user whose it is
   * @param kind API or player
   * @param label what its owner called it
   * @param createdAt when it was made
   */
  public record TokenInfo(String id, String user, TokenKind kind, String label, Instant createdAt) {}

  /**
   * A token just made: the only time its secret is known.
   *
   * @param secret the token to hand to the script or player
   * @param info what is listed from now on
   */
  public record NewToken(String secret, TokenInfo info) {}

  /**
   * A successful login.
   *
   * @param secret the session cookie's value
   * @param principal who logged in
   * @param expiresAt when it ends unless used
   */
  public record Login(String secret, Principal principal, Instant expiresAt) {}

  /**
   * A valid login session.
   *
   * @param principal who it is
   * @param extendedTo the new expiry when this use moved it (send the cookie again), else empty
   */
  public record Session(Principal principal, Optional<Instant> extendedTo) {}

  private final UserStore store;
  private final Duration sessionTtl;
  private final Clock clock;

  private Accounts(UserStore store, Duration sessionTtl, Clock clock) {
    this.store = store;
    this.sessionTtl = sessionTtl;
    this.clock = clock;
  }

  /** Accounts in {@code store}; logins last {@code sessionTtl} after their last use. */
  public static Accounts create(UserStore store, Duration sessionTtl, Clock clock) {
    return new Accounts(store, sessionTtl, clock);
  }

  /** How long a login lasts unused. */
  public Duration sessionTtl() {
    return sessionTtl;
  }

  /** What backs the accounts, for logs. */
  public String description() {
    return store.description();
  }

  // ---- users

  /** Adds a user. */
  public User addUser(String name, String password, Role role) throws AccountException, StoreException {
    checkName(name);
    checkPassword(password);
    Instant now = now();
    if (!store.addUser(new UserStore.User(name, role.label(), Passwords.hash(password), now))) {
      throw new AccountException(Reason.CONFLICT, "name", "a user named '" + name + "' already exists");
    }
    return new User(name, role, now);
  }

  /** Sets a user's password (an admin's reset, or {@code kanal user passwd}); ends every login of theirs. */
  public void setPassword(String name, String password) throws AccountException, StoreException {
    checkName(name);
    checkPassword(password);
    if (!store.setPassword(name, Passwords.hash(password))) {
      throw noUser(name);
    }
  }

  /** A user changes their own password, proving the current one; ends every login of theirs. */
  public void changePassword(String name, String current, String next) throws AccountException, StoreException {
    UserStore.User user = store.user(name).orElseThrow(() -> noUser(name));
    if (current == null || !Passwords.verify(current, user.passwordHash())) {
      throw new AccountException(Reason.BAD_INPUT, "currentPassword", "the current password is wrong");
    }
    setPassword(name, next);
  }

  /** Removes a user with their logins and tokens; the last admin cannot be removed. */
  public void removeUser(String name) throws AccountException, StoreException {
    checkName(name);
    UserStore.User user = store.user(name).orElseThrow(() -> noUser(name));
    if (Role.ADMIN.label().equals(user.role())
        && store.users().stream().filter(u -> Role.ADMIN.label().equals(u.role())).count() <= 1) {
      throw new AccountException(Reason.CONFLICT, "name", "'" + name + "' is the last admin: add another admin first");
    }
    if (!store.removeUser(name)) {
      throw noUser(name);
    }
  }

  /** Every user, by name. */
  public List<User> users() throws StoreException {
    return store.users().stream().map(Accounts::user).toList();
  }

  /** The user of that name. */
  public Optional<User> user(String name) throws StoreException {
    if (name == null || !NAME.matcher(name).matches()) {
      return Optional.empty();
    }
    return store.user(name).map(Accounts::user);
  }

  /** Whether any user exists (a server without one prints how to make the admin). */
  public boolean hasUsers() throws StoreException {
    return !store.users().isEmpty();
  }

  // ---- logins

  /**
   * Checks a name and password and starts a login; empty when either is wrong. An unknown name
   * takes as long as a wrong password, so answers do not tell which names exist.
   */
  public Optional<Login> login(String name, String password) throws StoreException {
    if (password == null || password.length() > MAX_PASSWORD) {
      return Optional.empty();
    }
    Optional<UserStore.User> user = name != null && NAME.matcher(name).matches() ? store.user(name) : Optional.empty();
    if (user.isEmpty()) {
      Passwords.verifyNothing(password);
      return Optional.empty();
    }
    if (!Passwords.verify(password, user.get().passwordHash())) {
      return Optional.empty();
    }
    String secret = Secrets.random(32);
    Instant now = now();
    Instant expires = now.plus(sessionTtl);
    if (!store.addLogin(Secrets.hash(secret), new UserStore.Login(name, now, expires))) {
      return Optional.empty(); // removed meanwhile
    }
    return Optional.of(new Login(secret, principal(user.get(), Principal.Via.SESSION, Optional.empty()), expires));
  }

  /** The login whose cookie value is {@code secret}, when it exists and has not expired; slides its expiry. */
  public Optional<Session> session(String secret) throws StoreException {
    if (secret == null || !SESSION.matcher(secret).matches()) {
      return Optional.empty();
    }
    String hash = Secrets.hash(secret);
    Optional<UserStore.Login> login = store.login(hash);
    if (login.isEmpty()) {
      return Optional.empty();
    }
    Instant now = now();
    if (!login.get().expiresAt().isAfter(now)) {
      store.removeLogin(hash);
      return Optional.empty();
    }
    Optional<UserStore.User> user = store.user(login.get().user());
    if (user.isEmpty()) {
      store.removeLogin(hash);
      return Optional.empty();
    }
    Optional<Instant> extended = Optional.empty();
    Duration refreshEvery = sessionTtl.dividedBy(10).compareTo(Duration.ofMinutes(1)) < 0 ? sessionTtl.dividedBy(10)
        : Duration.ofMinutes(1);
    if (Duration.between(now, login.get().expiresAt()).compareTo(sessionTtl.minus(refreshEvery)) < 0) {
      Instant to = now.plus(sessionTtl);
      store.extendLogin(hash, to);
      extended = Optional.of(to);
    }
    return Optional.of(new Session(principal(user.get(), Principal.Via.SESSION, Optional.empty()), extended));
  }

  /** Ends the login whose cookie value is {@code secret}, if any. */
  public void logout(String secret) throws StoreException {
    if (secret != null && SESSION.matcher(secret).matches()) {
      store.removeLogin(Secrets.hash(secret));
    }
  }

  // ---- tokens

  /** Makes a token for {@code user}; its secret is in the answer and nowhere else. */
  public NewToken createToken(String user, TokenKind kind, String label) throws AccountException, StoreException {
    checkName(user);
    String cleanLabel = label == null ? "" : label.strip();
    if (cleanLabel.length() > MAX_LABEL || cleanLabel.codePoints().anyMatch(c -> Character.isISOControl(c))) {
      throw new AccountException(Reason.BAD_INPUT, "label", "must be at most " + MAX_LABEL
          + " characters without control characters");
    }
    if (store.user(user).isEmpty()) {
      throw noUser(user);
    }
    if (store.tokens(Optional.of(user)).size() >= MAX_TOKENS) {
      throw new AccountException(Reason.CONFLICT, "kind", "'" + user + "' already has " + MAX_TOKENS
          + " tokens: revoke some first");
    }
    String secret = "kanal_" + (kind == TokenKind.API ? "a" : "p") + "_" + Secrets.random(32);
    UserStore.Token token = new UserStore.Token(Secrets.random(9), user, kind.label(), cleanLabel, now());
    if (!store.addToken(token, Secrets.hash(secret))) {
      throw noUser(user);
    }
    return new NewToken(secret, info(token));
  }

  /** The tokens of one user, or of everyone. */
  public List<TokenInfo> tokens(Optional<String> user) throws StoreException {
    return store.tokens(user).stream().map(Accounts::info).toList();
  }

  /** The token with that id. */
  public Optional<TokenInfo> token(String id) throws StoreException {
    if (id == null || !id.matches("[A-Za-z0-9_-]{1,32}")) {
      return Optional.empty();
    }
    return store.token(id).map(Accounts::info);
  }

  /** Revokes a token at once; false when there is none with that id. */
  public boolean revokeToken(String id) throws StoreException {
    return token(id).isPresent() && store.removeToken(id);
  }

  /** Who the token {@code secret} acts for, when it is valid. */
  public Optional<Principal> bearer(String secret) throws StoreException {
    if (secret == null || !TOKEN.matcher(secret).matches()) {
      return Optional.empty();
    }
    Optional<UserStore.Token> token = store.tokenByHash(Secrets.hash(secret));
    if (token.isEmpty()) {
      return Optional.empty();
    }
    Optional<UserStore.User> user = store.user(token.get().user());
    Principal.Via via = TokenKind.PLAYER.label().equals(token.get().kind()) ? Principal.Via.PLAYER_TOKEN
        : Principal.Via.API_TOKEN;
    return user.map(u -> principal(u, via, Optional.of(token.get().id())));
  }

  /** Housekeeping: drops expired logins. */
  public void sweep() throws StoreException {
    store.sweep(now());
  }

  // ---- helpers

  /** Checks a user name, naming the rule when it fails. */
  public static void checkName(String name) throws AccountException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new AccountException(Reason.BAD_INPUT, "name", "a user name must be 1-32 characters of a-z, 0-9, '.', '_' or '-',"
          + " starting with a letter or digit, was '" + clip(name) + "'");
    }
  }

  private static void checkPassword(String password) throws AccountException {
    if (password == null || password.length() < MIN_PASSWORD) {
      throw new AccountException(Reason.BAD_INPUT, "password", "a password must have at least " + MIN_PASSWORD + " characters");
    }
    if (password.length() > MAX_PASSWORD) {
      throw new AccountException(Reason.BAD_INPUT, "password", "a password must have at most " + MAX_PASSWORD + " characters");
    }
  }

  private static AccountException noUser(String name) {
    return new AccountException(Reason.NOT_FOUND, "name", "no user named '" + clip(name) + "'");
  }

  private static String clip(String s) {
    if (s == null) {
      return "";
    }
    String printable = s.codePoints().filter(c -> !Character.isISOControl(c))
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
  }

  private static Principal principal(UserStore.User u, Principal.Via via, Optional<String> tokenId) {
    return new Principal(u.name(), Role.of(u.role()).orElse(Role.USER), via, tokenId);
  }

  private static User user(UserStore.User u) {
    return new User(u.name(), Role.of(u.role()).orElse(Role.USER), u.createdAt());
  }

  private static TokenInfo info(UserStore.Token t) {
    return new TokenInfo(t.id(), t.user(), TokenKind.of(t.kind()).orElse(TokenKind.PLAYER), t.label(), t.createdAt());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
