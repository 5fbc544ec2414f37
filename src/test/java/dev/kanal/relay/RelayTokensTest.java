package dev.kanal.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RelayTokensTest {

  static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static final String URL = "https://cdn.example/live/chunk_1234.ts?token=abc&exp=99";
  static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private final RelayTokens tokens = new RelayTokens(SECRET);
  private final long source = RelayTokens.sourceId("https://cdn.example/live/index.m3u8");

  @Test
  void verify_ofSignedToken_givesBackKindSourceAndUrl() {
    String t = tokens.sign("BBC1.uk", RelayTokens.Kind.SEGMENT, source, URL);
    assertThat(t).matches("[A-Za-z0-9_-]+");
    assertThat(tokens.verify("BBC1.uk", t)).contains(new RelayTokens.Claim(RelayTokens.Kind.SEGMENT, source, URL));
    assertThat(tokens.verify("BBC1.uk", tokens.sign("BBC1.uk", RelayTokens.Kind.KEY, 7, "http://k/1.key")))
        .contains(new RelayTokens.Claim(RelayTokens.Kind.KEY, 7, "http://k/1.key"));
  }

  @Test
  void verify_underAnotherChannel_refuses() {
    String t = tokens.sign("A", RelayTokens.Kind.SEGMENT, source, URL);
    assertThat(tokens.verify("B", t)).isEmpty();
    assertThat(tokens.verify("a", t)).isEmpty(); // ids are compared exactly; the relay uses the catalog's spelling
    assertThat(tokens.verify("A ", t)).isEmpty();
  }

  @Test
  void verify_withAnotherSecret_refuses() {
    byte[] other = SECRET.clone();
    other[31] ^= 1;
    String t = tokens.sign("A", RelayTokens.Kind.SEGMENT, source, URL);
    assertThat(new RelayTokens(other).verify("A", t)).isEmpty();
  }

  @Test
  void verify_withAnyCharacterOfTheTokenChanged_refuses() {
    String t = tokens.sign("A", RelayTokens.Kind.SEGMENT, source, URL);
    for (int i = 0; i < t.length(); i++) {
      for (int shift : new int[] {1, 17, 40}) {
        char replacement = ALPHABET.charAt((ALPHABET.indexOf(t.charAt(i)) + shift) % ALPHABET.length());
        String tampered = t.substring(0, i) + replacement + t.substring(i + 1);
        assertThat(tokens.verify("A", tampered)).as("character %d changed to %s", i, replacement).isEmpty();
      }
    }
  }

  @Test
  void verify_withAnyBitOfTheDecodedTokenFlipped_refuses() {
    String t = tokens.sign("A", RelayTokens.Kind.SEGMENT, source, URL);
    byte[] raw = Base64.getUrlDecoder().decode(t);
    for (int i = 0; i < raw.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] copy = raw.clone();
        copy[i] ^= (byte) (1 << bit);
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(copy);
        assertThat(tokens.verify("A", tampered)).as("byte %d bit %d", i, bit).isEmpty();
      }
    }
  }

  @Test
  void verify_truncatedExtendedOrGarbage_refuses() {
    String t = tokens.sign("A", RelayTokens.Kind.SEGMENT, source, URL);
    for (int n = 0; n < t.length(); n++) {
      assertThat(tokens.verify("A", t.substring(0, n))).as("first %d characters", n).isEmpty();
    }
    assertThat(tokens.verify("A", t + "A")).isEmpty();
    assertThat(tokens.verify("A", t + "==")).isEmpty();
    assertThat(tokens.verify("A", "A" + t)).isEmpty();
    String standardAlphabet = t.replace('-', '+').replace('_', '/');
    if (!standardAlphabet.equals(t)) {
      assertThat(tokens.verify("A", standardAlphabet)).isEmpty();
    }
    assertThat(tokens.verify("A", "not a token!")).isEmpty();
    assertThat(tokens.verify("A", "")).isEmpty();
    assertThat(tokens.verify("A", null)).isEmpty();
  }

  @Test
  void token_hidesTheUpstreamUrl_andIsDeterministic() {
    String url = "http://provider.example:8080/live/alice/s3cret/1234.ts?token=abcdef";
    String t = tokens.sign("A", RelayTokens.Kind.SEGMENT, source, url);
    byte[] raw = Base64.getUrlDecoder().decode(t);
    String asText = new String(raw, StandardCharsets.ISO_8859_1);
    for (String part : List.of("provider", "alice", "s3cret", "token=", "http")) {
      assertThat(asText).as(part).doesNotContain(part);
      assertThat(t).as(part).doesNotContain(part);
    }
    assertThat(tokens.sign("A", RelayTokens.Kind.SEGMENT, source, url)).isEqualTo(t);
    assertThat(tokens.sign("B", RelayTokens.Kind.SEGMENT, source, url)).isNotEqualTo(t);
    assertThat(new RelayTokens(new byte[32]).sign("A", RelayTokens.Kind.SEGMENT, source, url)).isNotEqualTo(t);
  }

  @Test
  void verify_ofTokenWithSwappedPayloadAndValidLookingMac_refuses() {
    // A token for one URL cannot be edited into a token for another, even keeping the MAC bytes.
    String a = tokens.sign("A", RelayTokens.Kind.SEGMENT, source, "http://127.0.0.1/a.ts");
    byte[] raw = Base64.getUrlDecoder().decode(a);
    byte[] evil = "http://10.0.0.1/a.ts".getBytes(StandardCharsets.UTF_8);
    byte[] forged = new byte[10 + evil.length + 16];
    System.arraycopy(raw, 0, forged, 0, 10);
    System.arraycopy(evil, 0, forged, 10, evil.length);
    System.arraycopy(raw, raw.length - 16, forged, forged.length - 16, 16);
    assertThat(tokens.verify("A", Base64.getUrlEncoder().withoutPadding().encodeToString(forged))).isEmpty();
  }

  @Test
  void sign_refusesUrlsLongerThanTheLimit_andShortSecrets() {
    String longUrl = "http://h/" + "a".repeat(RelayTokens.MAX_URL_BYTES);
    assertThatThrownBy(() -> tokens.sign("A", RelayTokens.Kind.SEGMENT, 1, longUrl))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RelayTokens(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    assertThat(tokens.verify("A", tokens.sign("A", RelayTokens.Kind.MAP, 1, "http://h/" + "é".repeat(100))))
        .map(RelayTokens.Claim::url).isEqualTo(Optional.of("http://h/" + "é".repeat(100)));
  }
}
