package dev.kanal.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Loads {@link KanalConfig}: defaults, then a YAML or TOML file, then {@code KANAL_*} environment
 * variables, then command-line flags. Every error names the key and where the value came from.
 */
public final class ConfigLoader {

  /** Prefix of the environment variables that override config keys. */
  public static final String ENV_PREFIX = "KANAL_";
  /** Names the config file explicitly, like {@code --config}. */
  public static final String ENV_CONFIG_FILE = "KANAL_CONFIG";
  /** Config files larger than this are refused. */
  static final long MAX_FILE_BYTES = 1024 * 1024;

  private ConfigLoader() {}

  /**
   * Loads the configuration.
   *
   * @param file the config file, or empty for defaults only
   * @param env the environment, usually {@code System.getenv()}
   * @param overrides values from flags, applied last
   */
  public static KanalConfig load(Optional<Path> file, Map<String, String> env, List<ConfigOverride> overrides)
      throws ConfigException {
    ObjectNode tree = defaultsTree();
    Map<String, String> origins = new LinkedHashMap<>();
    String fileText = null;
    if (file.isPresent()) {
      fileText = read(file.get());
      merge(tree, parseFile(file.get(), fileText));
    }
    for (Map.Entry<String, String> e : envKeys(defaultsTree()).entrySet()) {
      String value = env.get(e.getKey());
      if (value != null) {
        set(tree, e.getValue(), splitIfList(e.getValue(), value));
        origins.put(e.getValue(), "environment variable " + e.getKey());
      }
    }
    for (ConfigOverride o : overrides) {
      set(tree, o.key(), o.value());
      origins.put(o.key(), o.origin());
    }
    normalizeSources(tree);
    KanalConfig config = bind(tree, file, fileText, origins);
    List<ConfigProblem> problems = new ArrayList<>();
    for (ConfigProblem p : config.validate()) {
      problems.add(p.at(originOf(p.key(), file, fileText, origins)));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  /**
   * The config file to use when none is named: {@code $KANAL_CONFIG}, else {@code kanal.yaml} or
   * {@code kanal.toml} in the working folder, else in {@code ~/.config/kanal/}.
   */
  public static Optional<Path> defaultFile(Path workDir, Map<String, String> env) {
    String named = env.get(ENV_CONFIG_FILE);
    if (named != null && !named.isBlank()) {
      return Optional.of(ConfigMapper.expandHome(named));
    }
    String xdg = env.getOrDefault("XDG_CONFIG_HOME", System.getProperty("user.home") + "/.config");
    for (Path dir : List.of(workDir, Path.of(xdg, "kanal"))) {
      for (String name : List.of("kanal.yaml", "kanal.yml", "kanal.toml")) {
        Path candidate = dir.resolve(name);
        if (Files.isRegularFile(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** The environment variable for each config key, e.g. {@code KANAL_SERVER_PORT -> server.port}. */
  public static Map<String, String> environmentVariables() {
    return envKeys(defaultsTree());
  }

  /** Writes the configuration as YAML, as {@code kanal config show} prints it. */
  public static String toYaml(KanalConfig config) {
    try {
      return ConfigMapper.YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("config cannot be written as YAML", e);
    }
  }

  /** The configuration as a JSON tree, for {@code --json} output. */
  public static JsonNode toJson(KanalConfig config) {
    return ConfigMapper.JSON.valueToTree(config);
  }

  private static ObjectNode defaultsTree() {
    return ConfigMapper.JSON.valueToTree(KanalConfig.defaults());
  }

  private static String read(Path file) throws ConfigException {
    String where = file.toString();
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ConfigException(new ConfigProblem("", "config file is larger than 1 MB", where));
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(new ConfigProblem("", "config file does not exist", where));
    } catch (java.nio.charset.MalformedInputException e) {
      throw new ConfigException(new ConfigProblem("", "config file is not UTF-8 text", where));
    } catch (IOException e) {
      throw new ConfigException(new ConfigProblem("", "cannot read config file: " + e.getMessage(), where));
    }
  }

  static boolean isToml(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".toml");
  }

  private static ObjectNode parseFile(Path file, String text) throws ConfigException {
    ObjectMapper mapper = isToml(file) ? ConfigMapper.TOML : ConfigMapper.YAML;
    try {
      JsonNode node = mapper.readTree(text);
      if (node == null || node.isMissingNode() || node.isNull()) {
        return JsonNodeFactory.instance.objectNode();
      }
      if (!node.isObject()) {
        throw new ConfigException(new ConfigProblem("", "the file must hold key: value pairs at the top", file + ":1"));
      }
      return (ObjectNode) node;
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      String where = line > 0 ? file + ":" + line : file.toString();
      throw new ConfigException(new ConfigProblem("", "syntax error: " + e.getOriginalMessage().lines().findFirst().orElse(""), where));
    }
  }

  /** Objects merge key by key; anything else replaces. */
  private static void merge(ObjectNode target, ObjectNode source) {
    Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode existing = target.get(f.getKey());
      if (existing instanceof ObjectNode t && f.getValue() instanceof ObjectNode s) {
        merge(t, s);
      } else {
        target.set(f.getKey(), f.getValue());
      }
    }
  }

  private static Map<String, String> envKeys(ObjectNode defaults) {
    Map<String, String> keys = new LinkedHashMap<>();
    collectLeaves(defaults, "", keys);
    return keys;
  }

  private static void collectLeaves(JsonNode node, String prefix, Map<String, String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(f ->
          collectLeaves(f.getValue(), prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), out));
    } else {
      out.put(ENV_PREFIX + envName(prefix), prefix);
    }
  }

  /** {@code storage.dataDir -> STORAGE_DATA_DIR}. */
  static String envName(String key) {
    StringBuilder out = new StringBuilder();
    for (char c : key.toCharArray()) {
      if (c == '.') {
        out.append('_');
      } else if (Character.isUpperCase(c)) {
        out.append('_').append(c);
      } else {
        out.append(Character.toUpperCase(c));
      }
    }
    return out.toString();
  }

  private static Object splitIfList(String key, String value) {
    JsonNode node = defaultsTree().at("/" + key.replace('.', '/'));
    if (node.isArray()) {
      return value.isBlank() ? List.of() : List.of(value.split(",")).stream().map(String::strip).toList();
    }
    return value;
  }

  private static void set(ObjectNode tree, String key, Object value) {
    String[] parts = key.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (!(child instanceof ObjectNode)) {
        child = node.putObject(parts[i]);
      }
      node = (ObjectNode) child;
    }
    if (value instanceof Collection<?> list) {
      ArrayNode array = node.putArray(parts[parts.length - 1]);
      list.forEach(v -> array.add(String.valueOf(v)));
    } else {
      node.put(parts[parts.length - 1], String.valueOf(value));
    }
  }

  /** Sources may be written as plain URLs; sources and groups get the default settings for keys they omit. */
  private static void normalizeSources(ObjectNode tree) {
    JsonNode groups = tree.path("iptv").path("groups");
    if (groups instanceof ArrayNode groupArray) {
      for (int i = 0; i < groupArray.size(); i++) {
        ObjectNode defaults = ConfigMapper.JSON.valueToTree(KanalConfig.GroupConfig.of(""));
        if (groupArray.get(i) instanceof TextNode text) {
          defaults.put("name", text.asText());
          groupArray.set(i, defaults);
        } else if (groupArray.get(i) instanceof ObjectNode object) {
          merge(defaults, object);
          groupArray.set(i, defaults);
        }
      }
    }
    JsonNode sources = tree.path("iptv").path("sources");
    if (!sources.isArray()) {
      return;
    }
    ArrayNode array = (ArrayNode) sources;
    for (int i = 0; i < array.size(); i++) {
      JsonNode element = array.get(i);
      ObjectNode defaults = ConfigMapper.JSON.valueToTree(KanalConfig.SourceConfig.of(""));
      if (element instanceof TextNode text) {
        defaults.put("url", text.asText());
        array.set(i, defaults);
      } else if (element instanceof ObjectNode object) {
        merge(defaults, object);
        array.set(i, defaults);
      }
    }
  }

  private static KanalConfig bind(ObjectNode tree, Optional<Path> file, String fileText, Map<String, String> origins)
      throws ConfigException {
    try {
      return ConfigMapper.JSON.treeToValue(tree, KanalConfig.class);
    } catch (JsonMappingException e) {
      String key = keyOf(e.getPath());
      String message = describe(e, key);
      throw new ConfigException(new ConfigProblem(key, message, originOf(key, file, fileText, origins)));
    } catch (JsonProcessingException e) {
      throw new ConfigException(new ConfigProblem("", e.getOriginalMessage(), file.map(Path::toString).orElse("")));
    }
  }

  private static String keyOf(List<JsonMappingException.Reference> path) {
    StringBuilder key = new StringBuilder();
    for (JsonMappingException.Reference ref : path) {
      if (ref.getFieldName() != null) {
        key.append(key.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        key.append('[').append(ref.getIndex()).append(']');
      }
    }
    return key.toString();
  }

  private static String describe(JsonMappingException e, String key) {
    if (e instanceof UnrecognizedPropertyException u) {
      TreeSet<String> known = new TreeSet<>();
      u.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
      return "unknown key (known keys here: " + String.join(", ", known) + ")";
    }
    String original = String.valueOf(e.getOriginalMessage());
    int ours = original.indexOf("invalid ");
    if (ours >= 0 && (original.contains("invalid duration") || original.contains("invalid size"))) {
      // Our own sentence from Durations or ByteSize, without Jackson's preamble.
      return original.substring(ours);
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      Class<?> type = m.getTargetType();
      String value = e instanceof InvalidFormatException f ? " '" + f.getValue() + "'" : "";
      if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
        return "expected a whole number, got" + (value.isEmpty() ? " something else" : value);
      }
      if (type == boolean.class || type == Boolean.class) {
        return "expected true or false, got" + (value.isEmpty() ? " something else" : value);
      }
      if (type == Duration.class || type == ByteSize.class) {
        return "expected a " + (type == Duration.class ? "duration such as 10s" : "size such as 256MB");
      }
      if (List.class.isAssignableFrom(type)) {
        return "expected a list";
      }
      if (type.isRecord() || Map.class.isAssignableFrom(type)) {
        return "expected a section of key: value pairs";
      }
      return "expected a " + type.getSimpleName().toLowerCase(Locale.ROOT);
    }
    return e.getOriginalMessage();
  }

  private static String originOf(String key, Optional<Path> file, String fileText, Map<String, String> origins) {
    for (String k = key; !k.isEmpty(); k = parent(k)) {
      if (origins.containsKey(k)) {
        return origins.get(k);
      }
    }
    if (file.isEmpty() || fileText == null) {
      return key.isEmpty() ? "" : "default";
    }
    int line = isToml(file.get()) ? ConfigLines.tomlLine(fileText, key) : ConfigLines.yamlLine(fileText, key);
    return line > 0 ? file.get() + ":" + line : file.get().toString();
  }

  private static String parent(String key) {
    int cut = Math.max(key.lastIndexOf('.'), key.lastIndexOf('['));
    return cut <= 0 ? "" : key.substring(0, cut);
  }
}
