package dev.kanal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private static KanalConfig load(Path file, Map<String, String> env, ConfigOverride... flags) throws ConfigException {
    return ConfigLoader.load(Optional.ofNullable(file), env, List.of(flags));
  }

  @Test
  void load_withNothing_givesDefaults() throws Exception {
    KanalConfig config = load(null, Map.of());
    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.server().port()).isEqualTo(8080);
    assertThat(config.iptv().refreshInterval()).isEqualTo(Duration.ofHours(6));
    assertThat(config.storage().dataDir().toString()).endsWith("kanal");
  }

  @Test
  void load_withYaml_overridesOnlyWhatItSays() throws Exception {
    Path file = write("kanal.yaml", """
        server:
          port: 9000
        storage:
          dataDir: ~/kanal-data
        iptv:
          refreshInterval: 90m
          sources:
            - https://example.org/a.m3u
            - url: iptv-org:countries/fr
              priority: 5
              throttle: 500ms
        """);
    KanalConfig config = load(file, Map.of());
    assertThat(config.server().port()).isEqualTo(9000);
    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.storage().dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), "kanal-data"));
    assertThat(config.iptv().refreshInterval()).isEqualTo(Duration.ofMinutes(90));
    assertThat(config.iptv().sources()).containsExactly(
        KanalConfig.SourceConfig.of("https://example.org/a.m3u"),
        new KanalConfig.SourceConfig("iptv-org:countries/fr", 5, Map.of(), Duration.ofMillis(500), true));
  }

  @Test
  void load_withToml_readsTheSameSchema() throws Exception {
    Path file = write("kanal.toml", """
        [server]
        port = 9001
        shutdownTimeout = "4s"

        [library]
        folders = ["/srv/films"]
        """);
    KanalConfig config = load(file, Map.of());
    assertThat(config.server().port()).isEqualTo(9001);
    assertThat(config.server().shutdownTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(config.library().folders()).containsExactly(Path.of("/srv/films"));
  }

  @Test
  void load_precedence_isFlagsOverEnvOverFileOverDefaults() throws Exception {
    Path file = write("kanal.yaml", "server:\n  port: 9000\n  host: 0.0.0.0\nlog:\n  level: warn\n");
    Map<String, String> env = Map.of("KANAL_SERVER_PORT", "9100", "KANAL_LOG_LEVEL", "debug",
        "KANAL_LIBRARY_FOLDERS", "/a, /b");
    KanalConfig config = load(file, env, new ConfigOverride("server.port", "9200", "--port"));
    assertThat(config.server().port()).isEqualTo(9200);
    assertThat(config.log().level()).isEqualTo("debug");
    assertThat(config.server().host()).isEqualTo("0.0.0.0");
    assertThat(config.library().folders()).containsExactly(Path.of("/a"), Path.of("/b"));
  }

  @Test
  void environmentVariables_nameEveryLeafKey() {
    Map<String, String> vars = ConfigLoader.environmentVariables();
    assertThat(vars).containsEntry("KANAL_SERVER_PORT", "server.port")
        .containsEntry("KANAL_STORAGE_DATA_DIR", "storage.dataDir")
        .containsEntry("KANAL_IPTV_REFRESH_INTERVAL", "iptv.refreshInterval")
        .containsEntry("KANAL_FFMPEG_FFMPEG_PATH", "ffmpeg.ffmpegPath");
  }

  @Test
  void load_withBadValueInYaml_namesFileLineAndKey() throws IOException {
    Path file = write("kanal.yaml", "# comment\nserver:\n  host: 127.0.0.1\n  port: eighty\n");
    assertThatThrownBy(() -> load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ":4: server.port: expected a whole number, got 'eighty'");
  }

  @Test
  void load_withUnknownKey_namesLineAndListsKnownKeys() throws IOException {
    Path file = write("kanal.yaml", "server:\n  port: 80\n  prot: 81\n");
    assertThatThrownBy(() -> load(file, Map.of()))
        .hasMessageStartingWith(file + ":3: server.prot: unknown key (known keys here: auth, host, limits, port, shutdownTimeout)");
  }

  @Test
  void load_withOutOfRangePort_namesLine() throws IOException {
    Path file = write("kanal.yaml", "log:\n  level: info\nserver:\n  port: 70000\n");
    assertThatThrownBy(() -> load(file, Map.of()))
        .hasMessage(file + ":4: server.port: must be between 0 and 65535, was 70000");
  }

  @Test
  void load_withBadDurationInNestedList_namesLineOfThatElement() throws IOException {
    Path file = write("kanal.yaml", """
        iptv:
          sources:
            - url: a.m3u
            - url: b.m3u
              throttle: soon
        """);
    assertThatThrownBy(() -> load(file, Map.of()))
        .hasMessageStartingWith(file + ":5: iptv.sources[1].throttle: invalid duration 'soon'");
  }

  @Test
  void load_withYamlSyntaxError_namesLine() throws IOException {
    Path file = write("kanal.yaml", "server:\n  port: 80\n   host: [oops\n");
    assertThatThrownBy(() -> load(file, Map.of()))
        .hasMessageStartingWith(file + ":3: syntax error");
  }

  @Test
  void load_withTomlErrors_namesLine() throws IOException {
    Path bad = write("bad.toml", "[server]\nport = \"x\"\n");
    assertThatThrownBy(() -> load(bad, Map.of())).hasMessageStartingWith(bad + ":2: server.port: expected a whole number");
    Path syntax = write("syntax.toml", "[server]\nport = 80\nhost = = 1\n");
    assertThatThrownBy(() -> load(syntax, Map.of())).hasMessageStartingWith(syntax + ":3: syntax error");
  }

  @Test
  void load_withBadEnvOrFlag_namesTheVariableOrFlag() {
    assertThatThrownBy(() -> load(null, Map.of("KANAL_SERVER_PORT", "http")))
        .hasMessage("environment variable KANAL_SERVER_PORT: server.port: expected a whole number, got 'http'");
    assertThatThrownBy(() -> load(null, Map.of(), new ConfigOverride("server.port", "-1", "--port")))
        .hasMessage("--port: server.port: must be between 0 and 65535, was -1");
  }

  @Test
  void load_withMissingOrHugeFile_saysSo() throws IOException {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> load(missing, Map.of())).hasMessage(missing + ": config file does not exist");
    Path huge = write("huge.yaml", "# " + "x".repeat(2 * 1024 * 1024));
    assertThatThrownBy(() -> load(huge, Map.of())).hasMessage(huge + ": config file is larger than 1 MB");
  }

  @Test
  void load_withEmptyOrScalarFile_givesDefaultsOrError() throws Exception {
    assertThat(load(write("empty.yaml", ""), Map.of())).isEqualTo(KanalConfig.defaults());
    Path scalar = write("scalar.yaml", "just words\n");
    assertThatThrownBy(() -> load(scalar, Map.of())).hasMessageContaining("key: value pairs");
  }

  @Test
  void defaultFile_prefersEnvThenWorkDir() throws IOException {
    assertThat(ConfigLoader.defaultFile(dir, Map.of("XDG_CONFIG_HOME", dir.resolve("xdg").toString()))).isEmpty();
    Path local = write("kanal.toml", "");
    assertThat(ConfigLoader.defaultFile(dir, Map.of())).contains(local);
    assertThat(ConfigLoader.defaultFile(dir, Map.of("KANAL_CONFIG", "/etc/kanal.yaml"))).contains(Path.of("/etc/kanal.yaml"));
  }

  @Test
  void example_loadsAndDocumentsEveryKey() throws Exception {
    Path file = write("kanal.yaml", ConfigExample.yaml());
    KanalConfig fromExample = load(file, Map.of());
    assertThat(fromExample.server()).isEqualTo(KanalConfig.defaults().server());
    assertThat(fromExample.iptv()).isEqualTo(KanalConfig.defaults().iptv());
    // Every leaf key of the schema appears in the example, so the example is a complete reference.
    JsonNode example = new YAMLMapper().readTree(ConfigExample.yaml());
    List<String> missing = new ArrayList<>();
    for (String key : ConfigLoader.environmentVariables().values()) {
      if (example.at("/" + key.replace('.', '/')).isMissingNode()) {
        missing.add(key);
      }
    }
    assertThat(missing).as("keys missing from kanal.example.yaml").isEmpty();
  }

  @Test
  void tomlExample_loads() throws Exception {
    Path file = write("kanal.toml", ConfigExample.toml());
    assertThat(load(file, Map.of()).server()).isEqualTo(KanalConfig.defaults().server());
  }

  @Test
  void toYaml_thenLoad_givesTheSameConfig() throws Exception {
    KanalConfig config = load(null, Map.of(), new ConfigOverride("iptv.sources", List.of("a.m3u", "b.m3u"), "--playlist"),
        new ConfigOverride("server.port", "1234", "--port"));
    Path file = write("round.yaml", ConfigLoader.toYaml(config));
    assertThat(load(file, Map.of())).isEqualTo(config);
  }
}
