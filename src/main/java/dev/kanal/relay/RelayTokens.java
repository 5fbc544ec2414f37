package dev.kanal.relay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks the opaque names of relayed resources ({@code /live/{channel}/s/{token}.ts}).
 * A token carries the upstream URL, the kind of resource and which of the channel's sources it came
 * from, and is bound to the channel: its MAC is HMAC-SHA256 (RFC 2104) over the channel id and the
 * payload, truncated to 128 bits (as RFC 4868 allows), checked in constant time. The relay fetches
 * only URLs that come back in a token it made, so it is never an open proxy.
 *
 * <p>The URL is encrypted, so viewers never see upstream addresses or the credentials that provider
 * URLs often carry in their path or query: deterministic authenticated encryption in the SIV style
 * (RFC 5297's construction with HMAC in place of S2V): the MAC over the plaintext is the IV of
 * AES-256-CTR over the URL bytes; verifying decrypts and recomputes the MAC. The MAC and cipher keys
 * are derived separately from the secret. The same URL gives the same token, which keeps players'
 * and proxies' caches working.
 *
 * <p>Layout before URL-safe base64 without padding: version (1 byte), kind (1), source id (8),
 * encrypted URL, MAC (16).
 */
final class RelayTokens {

  /** What a token names; decides size limits, content types and metric tags. */
  enum Kind {
    /** A media segment (#EXTINF) or partial segment. */
    SEGMENT('s', "segment"),
    /** A key (#EXT-X-KEY, #EXT-X-SESSION-KEY) or session data (#EXT-X-SESSION-DATA). */
    KEY('k', "key"),
    /** A media initialization section (#EXT-X-MAP). */
    MAP('m', "segment");

    final byte code;
    /** The {@code kind} tag of upstream request metrics. */
    final String metric;

    Kind(char code, String metric) {
      this.code = (byte) code;
      this.metric = metric;
    }

    static Optional<Kind> of(byte code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * What a valid token says.
   *
   * @param kind the kind of resource
   * @param sourceId the id of the channel source whose playlist named it ({@link #sourceId(String)})
   * @param url the absolute upstream URL
   */
  record Claim(Kind kind, long sourceId, String url) {}

  /** URLs longer than this are not relayed (the token must fit in a request line). */
  static final int MAX_URL_BYTES = 4096;

  private static final byte VERSION = 2;
  private static final int MAC_BYTES = 16;
  private static final int HEADER_BYTES = 1 + 1 + 8;
  private static final byte[] DOMAIN = "kanal-relay-token-v1".getBytes(StandardCharsets.US_ASCII);
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final SecretKeySpec cipherKey;
  /** One initialised MAC per thread: tokens are checked on every event loop. */
  private final ThreadLocal<Mac> macs;
  /** One AES-CTR cipher per thread. */
  private final ThreadLocal<javax.crypto.Cipher> ciphers = ThreadLocal.withInitial(() -> {
    try {
      return javax.crypto.Cipher.getInstance("AES/CTR/NoPadding");
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });

  RelayTokens(byte[] secret) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the relay secret must be at least 32 bytes");
    }
    this.key = new SecretKeySpec(derive(secret, "kanal-relay-token-mac"), "HmacSHA256");
    this.cipherKey = new SecretKeySpec(derive(secret, "kanal-relay-token-enc"), "AES");
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        return mac;
      } catch (NoSuchAlgorithmException | InvalidKeyException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** A 256-bit key for one purpose: HMAC-SHA256(secret, label || 0x01), HKDF-Expand's first block. */
  private static byte[] derive(byte[] secret, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(label.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 1);
      return mac.doFinal();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** AES-256-CTR over {@code data[from, to)} in place, with the first 16 bytes of {@code iv} as the counter block. */
  private void ctr(byte[] iv, byte[] data, int from, int to) {
    try {
      javax.crypto.Cipher c = ciphers.get();
      c.init(javax.crypto.Cipher.ENCRYPT_MODE, cipherKey, new javax.crypto.spec.IvParameterSpec(Arrays.copyOf(iv, 16)));
      c.doFinal(data, from, to - from, data, from);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A stable 64-bit id for a source URL (the first 8 bytes of its SHA-256). */
  static long sourceId(String sourceUrl) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(sourceUrl.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The token for {@code url} under {@code channelId}.
   *
   * @throws IllegalArgumentException when the URL is longer than {@link #MAX_URL_BYTES}
   */
  String sign(String channelId, Kind kind, long sourceId, String url) {
    byte[] u = url.getBytes(StandardCharsets.UTF_8);
    if (u.length > MAX_URL_BYTES) {
      throw new IllegalArgumentException("upstream URL longer than " + MAX_URL_BYTES + " bytes");
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + u.length + MAC_BYTES);
    b.put(VERSION).put(kind.code).putLong(sourceId).put(u);
    byte[] all = b.array();
    byte[] mac = mac(channelId, all, HEADER_BYTES + u.length);
    ctr(mac, all, HEADER_BYTES, HEADER_BYTES + u.length);
    System.arraycopy(mac, 0, all, HEADER_BYTES + u.length, MAC_BYTES);
    return ENCODER.encodeToString(all);
  }

  /** What {@code token} says, when it is well-formed and was made by {@link #sign} for this channel. */
  Optional<Claim> verify(String channelId, String token) {
    if (token == null || token.isEmpty() || token.length() > 2 * MAX_URL_BYTES) {
      return Optional.empty();
    }
    byte[] all;
    try {
      all = DECODER.decode(token);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    // Only the canonical encoding is accepted (base64 may leave slack in the last character's bits).
    if (all.length < HEADER_BYTES + 1 + MAC_BYTES || !ENCODER.encodeToString(all).equals(token)) {
      return Optional.empty();
    }
    int body = all.length - MAC_BYTES;
    ctr(Arrays.copyOfRange(all, body, all.length), all, HEADER_BYTES, body);
    byte[] expected = mac(channelId, all, body);
    if (!MessageDigest.isEqual(Arrays.copyOf(expected, MAC_BYTES), Arrays.copyOfRange(all, body, all.length))) {
      return Optional.empty();
    }
    if (all[0] != VERSION) {
      return Optional.empty();
    }
    Optional<Kind> kind = Kind.of(all[1]);
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    long source = ByteBuffer.wrap(all, 2, 8).getLong();
    String url = new String(all, HEADER_BYTES, body - HEADER_BYTES, StandardCharsets.UTF_8);
    return Optional.of(new Claim(kind.get(), source, url));
  }

  private byte[] mac(String channelId, byte[] payload, int length) {
    Mac mac = macs.get();
    mac.reset();
    mac.update(DOMAIN);
    mac.update((byte) 0);
    byte[] id = channelId.getBytes(StandardCharsets.UTF_8);
    mac.update(ByteBuffer.allocate(4).putInt(id.length).array());
    mac.update(id);
    mac.update(payload, 0, length);
    return mac.doFinal();
  }
}
