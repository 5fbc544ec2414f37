package dev.kanal.playlist;

import java.util.Objects;
import java.util.Optional;

/**
 * How media segments are encrypted, as defined by #EXT-X-KEY, or by #EXT-X-SESSION-KEY in a
 * multivariant playlist (RFC 8216bis 4.4.4.4 and 4.4.6.5).
 *
 * @param method the encryption method, as defined by the METHOD attribute
 * @param uri where to get the key, as defined by the URI attribute
 * @param iv the initialization vector as written ({@code 0x...}), as defined by the IV attribute
 * @param keyFormat how the key is represented, as defined by the KEYFORMAT attribute
 * @param keyFormatVersions the KEYFORMAT versions the key conforms to, as defined by KEYFORMATVERSIONS
 */
public record HlsKey(Method method, Optional<String> uri, Optional<String> iv, Optional<String> keyFormat,
    Optional<String> keyFormatVersions) {

  /** The KEYFORMAT that applies when the attribute is absent. */
  public static final String IDENTITY = "identity";

  /** Requires every component. */
  public HlsKey {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(iv, "iv");
    Objects.requireNonNull(keyFormat, "keyFormat");
    Objects.requireNonNull(keyFormatVersions, "keyFormatVersions");
  }

  /** A key with only a method and a URI. */
  public static HlsKey of(Method method, String uri) {
    return new HlsKey(method, Optional.of(uri), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** The KEYFORMAT, or {@value #IDENTITY} when absent; a later key of the same format replaces this one. */
  public String effectiveKeyFormat() {
    return keyFormat.orElse(IDENTITY);
  }

  /** The encryption methods of the METHOD attribute. */
  public enum Method {
    /** Not encrypted; clears the keys in effect. */
    NONE("NONE"),
    /** Whole segments encrypted with AES-128 CBC. */
    AES_128("AES-128"),
    /** Media samples encrypted (MPEG-2 TS / packed audio / fMP4 'cbcs'). */
    SAMPLE_AES("SAMPLE-AES"),
    /** Media samples encrypted with AES-CTR (fMP4 'cenc'), RFC 8216bis. */
    SAMPLE_AES_CTR("SAMPLE-AES-CTR"),
    /** Non-standard name for SAMPLE-AES-CTR that some packagers write for Widevine. */
    SAMPLE_AES_CENC("SAMPLE-AES-CENC");

    private final String text;

    Method(String text) {
      this.text = text;
    }

    /** The enumerated-string as written in a playlist. */
    public String text() {
      return text;
    }

    /** The method named by a playlist's enumerated-string, if it is one of these. */
    public static Optional<Method> fromText(String text) {
      for (Method m : values()) {
        if (m.text.equals(text)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }
  }
}
