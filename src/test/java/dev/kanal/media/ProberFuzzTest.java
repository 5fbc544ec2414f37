package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing the ffprobe-output reader: ffprobe's JSON differs between versions and containers, so
 * {@link Prober#parse} must accept any JSON tree (fields of any type, missing or extra) without
 * throwing. The input size is bounded before parsing (4 MiB of ffprobe output).
 */
class ProberFuzzTest {

  private static final String[] FIELDS = {"index", "codec_type", "codec_name", "profile", "level", "width", "height",
      "avg_frame_rate", "r_frame_rate", "bit_rate", "pix_fmt", "color_transfer", "channels", "channel_layout", "tags",
      "language", "title", "disposition", "default", "attached_pic", "start_time", "end_time", "duration", "format_name"};

  @Test
  void anyJsonTree_parsesWithoutThrowing() throws Exception {
    Random random = new Random(Long.getLong("kanal.fuzz.seed", 20261121L));
    JsonNodeFactory f = JsonNodeFactory.instance;
    for (int run = 0; run < 5000; run++) {
      ObjectNode root = f.objectNode();
      root.set("streams", array(random, f, 1 + random.nextInt(4)));
      root.set("chapters", array(random, f, random.nextInt(3)));
      root.set("format", value(random, f, 2));
      if (random.nextInt(10) == 0) {
        root.set("streams", value(random, f, 1));
      }
      try {
        MediaInfo info = Prober.parse(root);
        assertThat(info.streams()).allSatisfy(s -> assertThat(s.type()).isNotNull());
      } catch (Throwable t) {
        throw new AssertionError("run " + run + ": " + t + " for " + new ObjectMapper().writeValueAsString(root), t);
      }
    }
  }

  private static ArrayNode array(Random random, JsonNodeFactory f, int n) {
    ArrayNode a = f.arrayNode();
    for (int i = 0; i < n; i++) {
      a.add(value(random, f, 3));
    }
    return a;
  }

  private static JsonNode value(Random random, JsonNodeFactory f, int depth) {
    switch (depth <= 0 ? random.nextInt(6) : random.nextInt(8)) {
      case 0: return f.numberNode(random.nextInt(7) - 3);
      case 1: return f.textNode(random.nextBoolean() ? "1/0" : random.nextBoolean() ? "abc" : "0/0");
      case 2: return f.nullNode();
      case 3: return f.booleanNode(random.nextBoolean());
      case 4: return f.numberNode(random.nextDouble() * 1e12);
      case 5: return f.textNode(String.valueOf(random.nextLong()));
      case 6: return array(random, f, random.nextInt(3));
      default:
        ObjectNode o = f.objectNode();
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
          o.set(FIELDS[random.nextInt(FIELDS.length)], value(random, f, depth - 1));
        }
        return o;
    }
  }
}
