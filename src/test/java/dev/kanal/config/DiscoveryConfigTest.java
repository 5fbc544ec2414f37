package dev.kanal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code discovery} section: defaults, environment variables, flags, validation naming the key. */
class DiscoveryConfigTest {

  @TempDir
  Path dir;

  @Test
  void defaults_automaticEveryLanInterfaceNotifyEvery300s() throws Exception {
    KanalConfig config = ConfigLoader.load(Optional.empty(), Map.of(), List.of());
    assertThat(config.discovery()).isEqualTo(new KanalConfig.DiscoveryConfig("auto", "auto", List.of(), "Kanal",
        Duration.ofSeconds(300)));
  }

  @Test
  void environmentAndFlags_setEveryKey() throws Exception {
    KanalConfig config = ConfigLoader.load(Optional.empty(), Map.of("KANAL_DISCOVERY_MDNS", "off",
        "KANAL_DISCOVERY_INTERFACES", "eth0, 192.168.1.5", "KANAL_DISCOVERY_FRIENDLY_NAME", "Den"),
        List.of(new ConfigOverride("discovery.ssdp", "on", "--discovery")));
    assertThat(config.discovery().mdns()).isEqualTo("off");
    assertThat(config.discovery().ssdp()).isEqualTo("on");
    assertThat(config.discovery().interfaces()).containsExactly("eth0", "192.168.1.5");
    assertThat(config.discovery().friendlyName()).isEqualTo("Den");
  }

  @Test
  void file_badValues_areReportedByKeyAndLine() throws Exception {
    Path file = Files.writeString(dir.resolve("kanal.yaml"), """
        discovery:
          mdns: sometimes
          ssdp: yes please
          interfaces: ["eth0; rm -rf /"]
          friendlyName: ""
          notifyInterval: 2h
        """);
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file + ":2: discovery.mdns: must be one of auto, on, off; was 'sometimes'")
        .hasMessageContaining(":3: discovery.ssdp: must be one of auto, on, off")
        .hasMessageContaining("discovery.interfaces[0]: must be an interface name")
        .hasMessageContaining(":5: discovery.friendlyName: must be 1 to 63 characters")
        .hasMessageContaining(":6: discovery.notifyInterval: must be a duration between 1s and 15m");
  }

  @Test
  void withDiscovery_replacesOnlyThatSection() {
    KanalConfig.DiscoveryConfig off = new KanalConfig.DiscoveryConfig("off", "off", List.of(), "X", Duration.ofSeconds(60));
    KanalConfig changed = KanalConfig.defaults().withDiscovery(off);
    assertThat(changed.discovery()).isEqualTo(off);
    assertThat(changed.withDiscovery(KanalConfig.DiscoveryConfig.defaults())).isEqualTo(KanalConfig.defaults());
  }
}
