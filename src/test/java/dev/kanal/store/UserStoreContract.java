package dev.kanal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link UserStore} has, whatever backs it: run by {@link SqliteUserStoreTest} and
 * {@link RedisUserStoreTest} (a real redis-server).
 */
abstract class UserStoreContract {

  /** Now: Redis drops a login key soon after it expired, so logins here expire in the future. */
  static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

  private final List<UserStore> opened = new ArrayList<>();

  /** A new, empty store. */
  abstract UserStore create() throws Exception;

  UserStore store() throws Exception {
    UserStore s = create();
    opened.add(s);
    return s;
  }

  @AfterEach
  void closeStores() {
    opened.forEach(UserStore::close);
  }

  static UserStore.User user(String name, String role) {
    return new UserStore.User(name, role, HASH, T0);
  }

  @Test
  void addUser_thenReadAndList_byName() throws Exception {
    UserStore s = store();
    assertThat(s.addUser(user("bob", "user"))).isTrue();
    assertThat(s.addUser(user("alice", "admin"))).isTrue();
    assertThat(s.user("alice")).contains(user("alice", "admin"));
    assertThat(s.users()).extracting(UserStore.User::name).containsExactly("alice", "bob");
    assertThat(s.user("carol")).isEmpty();
  }

  @Test
  void addUser_nameTaken_returnsFalseAndKeepsTheFirst() throws Exception {
    UserStore s = store();
    assertThat(s.addUser(user("alice", "admin"))).isTrue();
    assertThat(s.addUser(user("alice", "user"))).isFalse();
    assertThat(s.user("alice").orElseThrow().role()).isEqualTo("admin");
  }

  @Test
  void setPassword_replacesTheHashAndEndsEveryLogin() throws Exception {
    UserStore s = store();
    s.addUser(user("alice", "user"));
    s.addUser(user("bob", "user"));
    assertThat(s.addLogin("h1", new UserStore.Login("alice", T0, T0.plusSeconds(60)))).isTrue();
    assertThat(s.addLogin("h2", new UserStore.Login("alice", T0, T0.plusSeconds(60)))).isTrue();
    assertThat(s.addLogin("h3", new UserStore.Login("bob", T0, T0.plusSeconds(60)))).isTrue();
    assertThat(s.setPassword("alice", "$argon2id$new")).isTrue();
    assertThat(s.user("alice").orElseThrow().passwordHash()).isEqualTo("$argon2id$new");
    assertThat(s.login("h1")).isEmpty();
    assertThat(s.login("h2")).isEmpty();
    assertThat(s.login("h3")).isPresent();
    assertThat(s.setPassword("nobody", "x")).isFalse();
  }

  @Test
  void logins_addReadExtendRemove() throws Exception {
    UserStore s = store();
    s.addUser(user("alice", "user"));
    assertThat(s.addLogin("h1", new UserStore.Login("nobody", T0, T0.plusSeconds(60)))).isFalse();
    UserStore.Login login = new UserStore.Login("alice", T0, T0.plusSeconds(60));
    assertThat(s.addLogin("h1", login)).isTrue();
    assertThat(s.login("h1")).contains(login);
    s.extendLogin("h1", T0.plusSeconds(600));
    assertThat(s.login("h1").orElseThrow().expiresAt()).isEqualTo(T0.plusSeconds(600));
    assertThat(s.removeLogin("h1")).isTrue();
    assertThat(s.removeLogin("h1")).isFalse();
    assertThat(s.login("h1")).isEmpty();
  }

  @Test
  void sweep_dropsExpiredLoginsOnly() throws Exception {
    UserStore s = store();
    s.addUser(user("alice", "user"));
    Instant now = Instant.now();
    s.addLogin("old", new UserStore.Login("alice", now.minusSeconds(120), now.minusSeconds(30)));
    s.addLogin("new", new UserStore.Login("alice", now, now.plusSeconds(600)));
    s.sweep(now);
    assertThat(s.login("old")).isEmpty();
    assertThat(s.login("new")).isPresent();
  }

  @Test
  void tokens_addFindListRevoke() throws Exception {
    UserStore s = store();
    s.addUser(user("alice", "user"));
    s.addUser(user("bob", "admin"));
    UserStore.Token a = new UserStore.Token("id-a", "alice", "player", "tv", T0);
    UserStore.Token b = new UserStore.Token("id-b", "bob", "api", "", T0.plusSeconds(1));
    assertThat(s.addToken(a, "hash-a")).isTrue();
    assertThat(s.addToken(b, "hash-b")).isTrue();
    assertThat(s.addToken(new UserStore.Token("id-c", "nobody", "api", "", T0), "hash-c")).isFalse();
    assertThat(s.tokenByHash("hash-a")).contains(a);
    assertThat(s.token("id-b")).contains(b);
    assertThat(s.tokenByHash("hash-x")).isEmpty();
    assertThat(s.tokens(Optional.of("alice"))).containsExactly(a);
    assertThat(s.tokens(Optional.empty())).containsExactly(a, b);
    assertThat(s.removeToken("id-a")).isTrue();
    assertThat(s.removeToken("id-a")).isFalse();
    assertThat(s.tokenByHash("hash-a")).isEmpty();
    assertThat(s.tokens(Optional.of("alice"))).isEmpty();
  }

  @Test
  void removeUser_removesTheirLoginsAndTokensOnly() throws Exception {
    UserStore s = store();
    s.addUser(user("alice", "user"));
    s.addUser(user("bob", "user"));
    s.addLogin("la", new UserStore.Login("alice", T0, T0.plusSeconds(60)));
    s.addLogin("lb", new UserStore.Login("bob", T0, T0.plusSeconds(60)));
    s.addToken(new UserStore.Token("ta", "alice", "api", "", T0), "hash-ta");
    s.addToken(new UserStore.Token("tb", "bob", "api", "", T0), "hash-tb");
    assertThat(s.removeUser("alice")).isTrue();
    assertThat(s.removeUser("alice")).isFalse();
    assertThat(s.user("alice")).isEmpty();
    assertThat(s.login("la")).isEmpty();
    assertThat(s.tokenByHash("hash-ta")).isEmpty();
    assertThat(s.token("ta")).isEmpty();
    assertThat(s.login("lb")).isPresent();
    assertThat(s.tokenByHash("hash-tb")).isPresent();
    assertThat(s.users()).extracting(UserStore.User::name).containsExactly("bob");
  }
}
