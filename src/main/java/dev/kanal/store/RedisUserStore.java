package dev.kanal.store;

import dev.kanal.config.KanalConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@link UserStore} in Redis, shared by several Kanal nodes: a login made through one node is valid
 * on every other, and a password change or a revoked token takes effect everywhere at once.
 *
 * <p>Keys (prefix {@code kanal:auth:}): {@code users} (set of names), {@code user:<name>} (hash: role,
 * hash, createdAt), {@code login:<idHash>} (hash: user, createdAt, expiresAt; Redis expires it a minute
 * after expiresAt) indexed per user by {@code logins:<name>}, {@code token:<secretHash>} (hash: id,
 * user, kind, label, createdAt) with {@code tokenid:<id>} naming its hash, indexed per user by
 * {@code tokens:<name>}. Every change that touches several keys is one Lua script, so it is atomic.
 * A standalone Redis (or one behind Sentinel's address) is assumed, not Redis Cluster.
 */
final class RedisUserStore implements UserStore {

  private static final String PREFIX = "kanal:auth:";
  private static final String USERS = PREFIX + "users";
  private static final int POOL_SIZE = 16;
  /** Redis drops a login key this long after it expired, the store having refused it since. */
  private static final long EXPIRY_SLACK_MS = 60_000;

  private static final String ADD_USER = """
      if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
      redis.call('HSET', KEYS[2], 'role', ARGV[2], 'hash', ARGV[3], 'createdAt', ARGV[4])
      return 1
      """;

  private static final String SET_PASSWORD = """
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      redis.call('HSET', KEYS[1], 'hash', ARGV[1])
      for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', ARGV[2] .. id) end
      redis.call('DEL', KEYS[2])
      return 1
      """;

  private static final String REMOVE_USER = """
      if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 0 end
      redis.call('DEL', KEYS[2])
      for _, id in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('DEL', ARGV[2] .. id) end
      for _, id in ipairs(redis.call('SMEMBERS', KEYS[4])) do
        local h = redis.call('GET', ARGV[3] .. id)
        if h then redis.call('DEL', ARGV[4] .. h) end
        redis.call('DEL', ARGV[3] .. id)
      end
      redis.call('DEL', KEYS[3], KEYS[4])
      return 1
      """;

  private static final String ADD_LOGIN = """
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      redis.call('HSET', KEYS[2], 'user', ARGV[1], 'createdAt', ARGV[2], 'expiresAt', ARGV[3])
      redis.call('PEXPIREAT', KEYS[2], ARGV[5])
      redis.call('SADD', KEYS[3], ARGV[4])
      return 1
      """;

  private static final String EXTEND_LOGIN = """
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      redis.call('HSET', KEYS[1], 'expiresAt', ARGV[1])
      redis.call('PEXPIREAT', KEYS[1], ARGV[2])
      return 1
      """;

  private static final String REMOVE_LOGIN = """
      local user = redis.call('HGET', KEYS[1], 'user')
      if not user then return 0 end
      redis.call('DEL', KEYS[1])
      redis.call('SREM', ARGV[1] .. user, ARGV[2])
      return 1
      """;

  private static final String ADD_TOKEN = """
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      redis.call('HSET', KEYS[2], 'id', ARGV[1], 'user', ARGV[2], 'kind', ARGV[3], 'label', ARGV[4], 'createdAt', ARGV[5])
      redis.call('SET', KEYS[3], ARGV[6])
      redis.call('SADD', KEYS[4], ARGV[1])
      return 1
      """;

  private static final String REMOVE_TOKEN = """
      local h = redis.call('GET', KEYS[1])
      if not h then return 0 end
      local user = redis.call('HGET', ARGV[1] .. h, 'user')
      redis.call('DEL', ARGV[1] .. h, KEYS[1])
      if user then redis.call('SREM', ARGV[2] .. user, ARGV[3]) end
      return 1
      """;

  /** KEYS: a user's login index; ARGV: the login key prefix, now (ms). */
  private static final String SWEEP = """
      for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
        local e = redis.call('HGET', ARGV[1] .. id, 'expiresAt')
        if (not e) or tonumber(e) < tonumber(ARGV[2]) then
          redis.call('DEL', ARGV[1] .. id)
          redis.call('SREM', KEYS[1], id)
        end
      end
      return 0
      """;

  private final RedisClient client;
  private final String description;

  private RedisUserStore(RedisClient client, String description) {
    this.client = client;
    this.description = description;
  }

  static RedisUserStore connect(KanalConfig.RedisConfig redis) throws StoreException {
    RedisConnection connection = RedisConnection.open(redis, POOL_SIZE);
    return new RedisUserStore(connection.client(), connection.description());
  }


  @Override
  public boolean addUser(User user) throws StoreException {
    return call(() -> flag(client.eval(ADD_USER, List.of(USERS, userKey(user.name())),
        List.of(user.name(), user.role(), user.passwordHash(), ms(user.createdAt())))));
  }

  @Override
  public Optional<User> user(String name) throws StoreException {
    return call(() -> {
      Map<String, String> f = client.hgetAll(userKey(name));
      return f.isEmpty() ? Optional.empty() : Optional.of(user(name, f));
    });
  }

  @Override
  public List<User> users() throws StoreException {
    return call(() -> {
      List<User> out = new ArrayList<>();
      for (String name : client.smembers(USERS)) {
        Map<String, String> f = client.hgetAll(userKey(name));
        if (!f.isEmpty()) {
          out.add(user(name, f));
        }
      }
      out.sort(Comparator.comparing(User::name));
      return out;
    });
  }

  @Override
  public boolean setPassword(String name, String passwordHash) throws StoreException {
    return call(() -> flag(client.eval(SET_PASSWORD, List.of(userKey(name), loginsKey(name)),
        List.of(passwordHash, PREFIX + "login:"))));
  }

  @Override
  public boolean removeUser(String name) throws StoreException {
    return call(() -> flag(client.eval(REMOVE_USER, List.of(USERS, userKey(name), loginsKey(name), tokensKey(name)),
        List.of(name, PREFIX + "login:", PREFIX + "tokenid:", PREFIX + "token:"))));
  }

  @Override
  public boolean addLogin(String idHash, Login login) throws StoreException {
    return call(() -> flag(client.eval(ADD_LOGIN, List.of(userKey(login.user()), loginKey(idHash), loginsKey(login.user())),
        List.of(login.user(), ms(login.createdAt()), ms(login.expiresAt()), idHash,
            Long.toString(login.expiresAt().toEpochMilli() + EXPIRY_SLACK_MS)))));
  }

  @Override
  public Optional<Login> login(String idHash) throws StoreException {
    return call(() -> {
      Map<String, String> f = client.hgetAll(loginKey(idHash));
      if (f.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Login(f.get("user"), instant(f.get("createdAt")), instant(f.get("expiresAt"))));
    });
  }

  @Override
  public void extendLogin(String idHash, Instant expiresAt) throws StoreException {
    call(() -> client.eval(EXTEND_LOGIN, List.of(loginKey(idHash)),
        List.of(ms(expiresAt), Long.toString(expiresAt.toEpochMilli() + EXPIRY_SLACK_MS))));
  }

  @Override
  public boolean removeLogin(String idHash) throws StoreException {
    return call(() -> flag(client.eval(REMOVE_LOGIN, List.of(loginKey(idHash)), List.of(PREFIX + "logins:", idHash))));
  }

  @Override
  public boolean addToken(Token token, String secretHash) throws StoreException {
    return call(() -> flag(client.eval(ADD_TOKEN,
        List.of(userKey(token.user()), tokenKey(secretHash), tokenIdKey(token.id()), tokensKey(token.user())),
        List.of(token.id(), token.user(), token.kind(), token.label(), ms(token.createdAt()), secretHash))));
  }

  @Override
  public Optional<Token> tokenByHash(String secretHash) throws StoreException {
    return call(() -> token(client.hgetAll(tokenKey(secretHash))));
  }

  @Override
  public Optional<Token> token(String id) throws StoreException {
    return call(() -> {
      String hash = client.get(tokenIdKey(id));
      return hash == null ? Optional.empty() : token(client.hgetAll(tokenKey(hash)));
    });
  }

  @Override
  public List<Token> tokens(Optional<String> user) throws StoreException {
    return call(() -> {
      List<String> names = user.isPresent() ? List.of(user.get()) : new ArrayList<>(client.smembers(USERS));
      List<Token> out = new ArrayList<>();
      for (String name : names) {
        for (String id : client.smembers(tokensKey(name))) {
          String hash = client.get(tokenIdKey(id));
          if (hash != null) {
            token(client.hgetAll(tokenKey(hash))).ifPresent(out::add);
          }
        }
      }
      out.sort(Comparator.comparing(Token::createdAt).thenComparing(Token::id));
      return out;
    });
  }

  @Override
  public boolean removeToken(String id) throws StoreException {
    return call(() -> flag(client.eval(REMOVE_TOKEN, List.of(tokenIdKey(id)),
        List.of(PREFIX + "token:", PREFIX + "tokens:", id))));
  }

  @Override
  public void sweep(Instant now) throws StoreException {
    call(() -> {
      for (String name : client.smembers(USERS)) {
        client.eval(SWEEP, List.of(loginsKey(name)), List.of(PREFIX + "login:", ms(now)));
      }
      return null;
    });
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    client.close();
  }

  private static User user(String name, Map<String, String> f) {
    return new User(name, f.get("role"), f.get("hash"), instant(f.get("createdAt")));
  }

  private static Optional<Token> token(Map<String, String> f) {
    if (f.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Token(f.get("id"), f.get("user"), f.get("kind"), f.get("label"), instant(f.get("createdAt"))));
  }

  private static boolean flag(Object result) {
    return result instanceof Long n && n == 1;
  }

  private static String ms(Instant t) {
    return Long.toString(t.toEpochMilli());
  }

  private static Instant instant(String ms) {
    return Instant.ofEpochMilli(ms == null ? 0 : Long.parseLong(ms));
  }

  private static String userKey(String name) {
    return PREFIX + "user:" + name;
  }

  private static String loginsKey(String name) {
    return PREFIX + "logins:" + name;
  }

  private static String tokensKey(String name) {
    return PREFIX + "tokens:" + name;
  }

  private static String loginKey(String idHash) {
    return PREFIX + "login:" + idHash;
  }

  private static String tokenKey(String secretHash) {
    return PREFIX + "token:" + secretHash;
  }

  private static String tokenIdKey(String id) {
    return PREFIX + "tokenid:" + id;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run();
  }

  private <T> T call(Work<T> work) throws StoreException {
    try {
      return work.run();
    } catch (JedisException e) {
      throw new StoreException("Redis at " + description + " failed: " + e.getMessage(), e);
    }
  }
}
