package dev.kanal.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AddressGuardTest {

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.8.9.1", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255",
      "192.168.1.1", "169.254.169.254", "100.64.0.1", "224.0.0.251", "255.255.255.255", "::1", "::", "fe80::1",
      "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1",
      "198.18.0.1", "192.0.0.8"})
  void refusesNonPublicAddresses(String address) throws Exception {
    assertThat(AddressGuard.isPublic(InetAddress.getByName(address))).as(address).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"})
  void acceptsPublicAddresses(String address) throws Exception {
    assertThat(AddressGuard.isPublic(InetAddress.getByName(address))).as(address).isTrue();
  }

  @Test
  void refusesLoopbackUrlsUnlessAllowed() throws Exception {
    URI uri = URI.create("http://127.0.0.1:9/secret?token=abc");
    assertThatThrownBy(() -> AddressGuard.resolve(uri, false))
        .isInstanceOf(AddressGuard.RefusedException.class)
        .hasMessageContaining("http://127.0.0.1:9/secret")
        .hasMessageNotContaining("token=abc");
    assertThat(AddressGuard.resolve(uri, true)).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.1");
  }

  @Test
  void refusesOtherSchemes() {
    assertThatThrownBy(() -> AddressGuard.resolve(URI.create("file:///etc/passwd"), true))
        .hasMessageContaining("only http and https");
    assertThatThrownBy(() -> AddressGuard.resolve(URI.create("gopher://example.org/"), true))
        .hasMessageContaining("only http and https");
  }

  @Test
  void localhostNameResolvesToLoopbackAndIsRefused() {
    assertThatThrownBy(() -> AddressGuard.resolve(URI.create("http://localhost:8080/x"), false))
        .hasMessageContaining("private, loopback or link-local");
  }
}
