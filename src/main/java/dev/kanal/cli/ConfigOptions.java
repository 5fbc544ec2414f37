package dev.kanal.cli;

import dev.kanal.config.ConfigException;
import dev.kanal.config.ConfigLoader;
import dev.kanal.config.ConfigOverride;
import dev.kanal.config.KanalConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The flags that override config keys, shared by the commands that load the configuration. */
final class ConfigOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Config file (kanal.yaml or kanal.toml; default: ./kanal.yaml, then ~/.config/kanal/; env KANAL_CONFIG).")
  Path config;

  @Option(names = "--host", paramLabel = "ADDR", description = "Address to listen on (server.host, default 127.0.0.1).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (server.port, default 8080).")
  String port;

  @Option(names = "--data", paramLabel = "DIR", description = "Data folder (storage.dataDir, default ~/.local/share/kanal).")
  String data;

  @Option(names = "--media", paramLabel = "DIR", description = "Video folder; repeat for several (library.folders).")
  List<String> media;

  @Option(names = "--playlist", paramLabel = "URL|FILE", description = "IPTV playlist; repeat for several (iptv.sources).")
  List<String> playlists;

  /** Loads defaults, the config file, KANAL_* variables and these flags, in that order. */
  KanalConfig load(Map<String, String> env) throws ConfigException {
    return load(env, List.of());
  }

  /** Like {@link #load(Map)}, with a command's own flags applied after these ({@code serve --discovery}). */
  KanalConfig load(Map<String, String> env, List<ConfigOverride> commandFlags) throws ConfigException {
    Optional<Path> file = config != null ? Optional.of(config) : ConfigLoader.defaultFile(Path.of(""), env);
    List<ConfigOverride> all = new ArrayList<>(overrides());
    all.addAll(commandFlags);
    KanalConfig loaded = ConfigLoader.load(file, env, all);
    LogSetup.apply(loaded.log());
    return loaded;
  }

  List<ConfigOverride> overrides() {
    List<ConfigOverride> out = new ArrayList<>();
    if (host != null) {
      out.add(new ConfigOverride("server.host", host, "--host"));
    }
    if (port != null) {
      out.add(new ConfigOverride("server.port", port, "--port"));
    }
    if (data != null) {
      out.add(new ConfigOverride("storage.dataDir", data, "--data"));
    }
    if (media != null) {
      out.add(new ConfigOverride("library.folders", media, "--media"));
    }
    if (playlists != null) {
      out.add(new ConfigOverride("iptv.sources", playlists, "--playlist"));
    }
    return out;
  }

  /** {@code --discovery}: mDNS and SSDP on, on every interface, loopback included. */
  static List<ConfigOverride> discoveryOverrides(boolean discovery) {
    if (!discovery) {
      return List.of();
    }
    return List.of(new ConfigOverride("discovery.mdns", "on", "--discovery"),
        new ConfigOverride("discovery.ssdp", "on", "--discovery"),
        new ConfigOverride("discovery.interfaces", List.of("all"), "--discovery"));
  }
}
