package dev.kanal.hls;

import dev.kanal.playlist.HlsKey;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128 segment decryption (RFC 8216bis 5.2): CBC with PKCS7 padding, the IV from the IV attribute
 * or the media sequence number, keys fetched once per URI with the recording's headers and cookies.
 */
final class Aes128 {

  /** Fetches key bytes; the recording's HTTP in production, a map in tests. */
  interface KeySource {
    byte[] fetch(URI uri) throws IOException, InterruptedException;
  }

  private final KeySource source;
  private final ConcurrentHashMap<URI, CompletableFuture<byte[]>> keys = new ConcurrentHashMap<>();

  Aes128(KeySource source) {
    this.source = source;
  }

  /**
   * The AES-128 key that applies among a segment's keys, empty when it is not encrypted; any other
   * method or key format is refused with a message naming it.
   */
  static Optional<HlsKey> applicableKey(List<HlsKey> keys) throws HlsException {
    if (keys.isEmpty()) {
      return Optional.empty();
    }
    for (HlsKey key : keys) {
      if (key.method() == HlsKey.Method.AES_128 && key.effectiveKeyFormat().equals(HlsKey.IDENTITY)) {
        return Optional.of(key);
      }
    }
    for (HlsKey key : keys) {
      if (key.method() == HlsKey.Method.NONE) {
        return Optional.empty();
      }
    }
    HlsKey first = keys.getFirst();
    String format = first.keyFormat().map(f -> " with KEYFORMAT " + f).orElse("");
    throw new HlsException(HlsException.Kind.UNSUPPORTED, "unsupported encryption: METHOD=" + first.method().text()
        + format + " (Kanal decrypts only AES-128 with identity keys; SAMPLE-AES and DRM streams cannot be recorded)");
  }

  /** The IV: the IV attribute (0x-prefixed hex, up to 16 bytes), else the media sequence number, big-endian. */
  static byte[] iv(HlsKey key, long mediaSequence) throws HlsException {
    if (key.iv().isPresent()) {
      String text = key.iv().get();
      String hex = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
      if (hex.isEmpty() || hex.length() > 32 || !hex.matches("[0-9a-fA-F]+")) {
        throw new HlsException(HlsException.Kind.UPSTREAM, "invalid IV " + text + " in EXT-X-KEY");
      }
      byte[] iv = new byte[16];
      byte[] value = HexFormat.of().parseHex(hex.length() % 2 == 0 ? hex : "0" + hex);
      System.arraycopy(value, 0, iv, 16 - value.length, value.length);
      return iv;
    }
    byte[] iv = new byte[16];
    byte[] seq = BigInteger.valueOf(mediaSequence).toByteArray();
    int len = Math.min(seq.length, 16);
    System.arraycopy(seq, seq.length - len, iv, 16 - len, len);
    return iv;
  }

  /** The key at a URI, fetched once; concurrent callers share one request. */
  byte[] key(URI uri) throws IOException, InterruptedException {
    CompletableFuture<byte[]> mine = new CompletableFuture<>();
    CompletableFuture<byte[]> existing = keys.putIfAbsent(uri, mine);
    if (existing == null) {
      try {
        byte[] key = source.fetch(uri);
        if (key.length != 16) {
          throw new IOException("the key at " + uri + " has " + key.length + " bytes, not 16");
        }
        mine.complete(key);
      } catch (IOException | InterruptedException | RuntimeException e) {
        // A refusal (401, 403...) stays cached so that concurrent segments do not ask again.
        if (!(e instanceof IOException io) || HlsHttp.isRetryable(io)) {
          keys.remove(uri, mine);
        }
        mine.completeExceptionally(e);
        throw e;
      }
      return mine.join();
    }
    try {
      return existing.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
  }

  /** Decrypts a whole segment. */
  static byte[] decrypt(byte[] data, byte[] key, byte[] iv) throws IOException {
    try {
      Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return cipher.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot decrypt the segment (wrong key or IV?): " + e.getMessage(), e);
    }
  }
}
