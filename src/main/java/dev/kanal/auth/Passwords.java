package dev.kanal.auth;

import com.password4j.Argon2Function;
import com.password4j.Hash;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.util.concurrent.Semaphore;

/**
 * Password hashing with argon2id (RFC 9106) through password4j, in PHC string form
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}): OWASP's minimum parameters, 19 MiB and two
 * passes, a 16-byte random salt. Verifying reads the parameters from the stored string (so they can
 * be raised later) and compares in constant time. At most two hashes run at once: each takes 19 MiB
 * and a core for tens of milliseconds, and a burst of logins must not take the server's memory.
 */
final class Passwords {

  static final int MEMORY_KIB = 19 * 1024;
  static final int ITERATIONS = 2;
  static final int PARALLELISM = 1;
  static final int HASH_BYTES = 32;
  private static final Argon2Function ARGON2 = Argon2Function.getInstance(MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES,
      Argon2.ID);
  private static final Semaphore AT_ONCE = new Semaphore(2, true);
  /** Verified against when the user does not exist, so an unknown name takes as long as a wrong password. */
  private static final String DUMMY = hash("kanal-no-such-user");

  private Passwords() {}

  /** The PHC string of {@code password} with a new random salt. */
  static String hash(String password) {
    AT_ONCE.acquireUninterruptibly();
    try {
      Hash h = Password.hash(password).addRandomSalt(16).with(ARGON2);
      return h.getResult();
    } finally {
      AT_ONCE.release();
    }
  }

  /** Whether {@code password} matches {@code stored}; false for anything that is not an argon2 PHC string. */
  static boolean verify(String password, String stored) {
    if (stored == null || !stored.startsWith("$argon2")) {
      return false;
    }
    AT_ONCE.acquireUninterruptibly();
    try {
      return Argon2Function.getInstanceFromHash(stored).check(password, stored);
    } catch (RuntimeException malformed) {
      return false;
    } finally {
      AT_ONCE.release();
    }
  }

  /** Spends the time of a verification without anything to verify (unknown users). */
  static void verifyNothing(String password) {
    verify(password, DUMMY);
  }
}
