package dev.kanal.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Jackson set up for config values: durations like {@code 10s}, sizes like {@code 256MB}, {@code ~} in paths. */
final class ConfigMapper {

  private ConfigMapper() {}

  static final ObjectMapper JSON = configure(JsonMapper.builder().build());
  static final ObjectMapper YAML = configure(new YAMLMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build()));
  static final ObjectMapper TOML = configure(new TomlMapper());

  private static ObjectMapper configure(ObjectMapper mapper) {
    SimpleModule module = new SimpleModule("kanal-config");
    module.addDeserializer(Duration.class, new JsonDeserializer<>() {
      @Override
      public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        try {
          return Durations.parse(p.getValueAsString());
        } catch (IllegalArgumentException e) {
          return (Duration) ctxt.handleWeirdStringValue(Duration.class, p.getValueAsString(), e.getMessage());
        }
      }
    });
    module.addSerializer(Duration.class, new JsonSerializer<>() {
      @Override
      public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeString(Durations.format(value));
      }
    });
    module.addDeserializer(ByteSize.class, new JsonDeserializer<>() {
      @Override
      public ByteSize deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        try {
          return ByteSize.parse(p.getValueAsString());
        } catch (IllegalArgumentException e) {
          return (ByteSize) ctxt.handleWeirdStringValue(ByteSize.class, p.getValueAsString(), e.getMessage());
        }
      }
    });
    module.addSerializer(ByteSize.class, new JsonSerializer<>() {
      @Override
      public void serialize(ByteSize value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeString(value.toString());
      }
    });
    module.addDeserializer(Path.class, new JsonDeserializer<>() {
      @Override
      public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        return expandHome(p.getValueAsString());
      }
    });
    module.addSerializer(Path.class, new JsonSerializer<>() {
      @Override
      public void serialize(Path value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeString(value.toString());
      }
    });
    return mapper.registerModule(module)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
  }

  /** Expands a leading {@code ~} to the user's home folder, as shells do. */
  static Path expandHome(String path) {
    if (path.equals("~")) {
      return Path.of(System.getProperty("user.home"));
    }
    if (path.startsWith("~/")) {
      return Path.of(System.getProperty("user.home"), path.substring(2));
    }
    return Path.of(path);
  }
}
