package dev.kanal.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds the line of a config key in the file text, so errors can point at it. */
final class ConfigLines {

  private ConfigLines() {}

  /** The 1-based line of {@code key} (e.g. {@code iptv.sources[1].url}) or of its nearest parent; 0 if absent. */
  static int yamlLine(String text, String key) {
    String target = pointer(key);
    int best = 0;
    int bestLength = 0;
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      JsonToken token;
      while ((token = p.nextToken()) != null) {
        if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
          continue;
        }
        String here = p.getParsingContext().pathAsPointer().toString();
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
          here = p.getParsingContext().getParent() == null ? "" : p.getParsingContext().getParent().pathAsPointer().toString();
        }
        if (here.equals(target)) {
          return p.currentTokenLocation().getLineNr();
        }
        if (!here.isEmpty() && target.startsWith(here + "/") && here.length() > bestLength) {
          best = p.currentTokenLocation().getLineNr();
          bestLength = here.length();
        }
      }
    } catch (IOException e) {
      return best;
    }
    return best;
  }

  /** The same for TOML, by reading table headers and {@code key = value} lines. */
  static int tomlLine(String text, String key) {
    String target = pointer(key);
    List<String> table = List.of();
    Map<String, Integer> arrayCounts = new HashMap<>();
    int best = 0;
    int bestLength = 0;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      String here;
      if (line.startsWith("[[") && line.endsWith("]]")) {
        String name = line.substring(2, line.length() - 2).strip();
        int index = arrayCounts.merge(name, 1, Integer::sum) - 1;
        table = new ArrayList<>(List.of(name.split("\\.")));
        table.add(Integer.toString(index));
        here = "/" + String.join("/", table);
      } else if (line.startsWith("[") && line.endsWith("]")) {
        table = List.of(line.substring(1, line.length() - 1).strip().split("\\."));
        here = "/" + String.join("/", table);
      } else if (!line.startsWith("#") && line.contains("=")) {
        List<String> path = new ArrayList<>(table);
        for (String part : line.substring(0, line.indexOf('=')).strip().split("\\.")) {
          path.add(part.strip().replace("\"", ""));
        }
        here = "/" + String.join("/", path);
      } else {
        continue;
      }
      if (here.equals(target)) {
        return i + 1;
      }
      if (target.startsWith(here + "/") && here.length() > bestLength) {
        best = i + 1;
        bestLength = here.length();
      }
    }
    return best;
  }

  /** {@code iptv.sources[1].url -> /iptv/sources/1/url}. */
  private static String pointer(String key) {
    return key.isEmpty() ? "" : "/" + key.replace("[", ".").replace("]", "").replace('.', '/');
  }
}
