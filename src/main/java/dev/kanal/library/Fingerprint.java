package dev.kanal.library;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A content fingerprint that costs three 64 KiB reads whatever the file size: SHA-256 over the size
 * and the first, middle and last 64 KiB. It recognises a file after a move or rename (same bytes),
 * and it is what video ids are derived from, so every node scanning the same share finds the same id.
 */
final class Fingerprint {

  static final int SAMPLE = 64 * 1024;

  private Fingerprint() {}

  /** The fingerprint of {@code file}, which has {@code size} bytes, as 64 hex digits. */
  static String of(Path file, long size) throws IOException {
    MessageDigest sha = sha256();
    sha.update(ByteBuffer.allocate(Long.BYTES).putLong(0, size));
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(SAMPLE);
      if (size <= 3L * SAMPLE) {
        sample(ch, buf, 0, (int) size, sha);
      } else {
        sample(ch, buf, 0, SAMPLE, sha);
        sample(ch, buf, size / 2 - SAMPLE / 2, SAMPLE, sha);
        sample(ch, buf, size - SAMPLE, SAMPLE, sha);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /**
   * The video id for a fingerprint: 16 URL-safe characters (96 bits), e.g. {@code q3Zk0fW_Lr8xYb2A},
   * never starting with {@code -} (a command line would take it for an option: {@code kanal library
   * info -Xy...}); such ids start with {@code Z} instead.
   */
  static String id(String fingerprint) {
    byte[] digest = sha256().digest(("kanal-video:" + fingerprint).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
    return id.charAt(0) == '-' ? "Z" + id.substring(1) : id;
  }

  private static void sample(FileChannel ch, ByteBuffer buf, long position, int length, MessageDigest sha) throws IOException {
    long pos = position;
    int left = length;
    while (left > 0) {
      buf.clear().limit(Math.min(buf.capacity(), left));
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("the file got shorter while it was read");
      }
      buf.flip();
      sha.update(buf);
      pos += n;
      left -= n;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
