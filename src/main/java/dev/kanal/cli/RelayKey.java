package dev.kanal.cli;

import dev.kanal.config.KanalConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The key that signs relay URLs: {@code relay.secret} when set (several nodes behind one nginx must
 * share it), else 32 random bytes kept in {@code dataDir/relay.key} (owner-only), made on first start.
 */
final class RelayKey {

  static final String FILE = "relay.key";
  private static final int BYTES = 32;

  private RelayKey() {}

  static byte[] load(KanalConfig config) {
    String configured = config.relay().secret();
    if (!configured.isEmpty()) {
      // Stretch a short pass phrase to the minimum length deterministically (every node derives the same key).
      return sha256(configured.getBytes(StandardCharsets.UTF_8));
    }
    Path file = config.storage().dataDir().resolve(FILE);
    try {
      if (Files.isRegularFile(file)) {
        byte[] key = HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).strip());
        if (key.length >= BYTES) {
          return key;
        }
      }
      byte[] key = new byte[BYTES];
      new SecureRandom().nextBytes(key);
      Path tmp = Files.createTempFile(file.getParent(), FILE, ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, Set.copyOf(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the data folder's own permissions protect it
      }
      Files.writeString(tmp, HexFormat.of().formatHex(key) + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
      try {
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        Files.deleteIfExists(tmp);
        return load(config);
      }
      return key;
    } catch (IOException | IllegalArgumentException e) {
      throw new UncheckedIOException(new IOException("cannot read or create the relay key " + file + ": " + e.getMessage(), e));
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
