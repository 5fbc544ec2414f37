package dev.kanal.iptv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON contract of {@code kanal channels list|search --json} and the web API (docs/API.md), as
 * plain maps and lists that any JSON writer prints: {@code id, name, number, group, logo, country,
 * language, status, sources[{url, headers, priority, status, checkedAt}]}; absent values are null.
 */
public final class ChannelJson {

  private ChannelJson() {}

  /** One channel. */
  public static Map<String, Object> channel(Channel c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", c.id());
    out.put("name", c.name());
    out.put("number", c.number().orElse(null));
    out.put("group", c.group());
    out.put("logo", emptyToNull(c.logo()));
    out.put("country", emptyToNull(c.country()));
    out.put("language", emptyToNull(c.language()));
    out.put("status", c.status().text());
    List<Object> sources = new ArrayList<>(c.sources().size());
    for (ChannelSource s : c.sources()) {
      Map<String, Object> source = new LinkedHashMap<>();
      source.put("url", s.url());
      source.put("headers", new LinkedHashMap<>(s.headers()));
      source.put("priority", s.priority());
      source.put("status", s.status().text());
      source.put("checkedAt", s.checkedAt().map(Object::toString).orElse(null));
      sources.add(source);
    }
    out.put("sources", sources);
    return out;
  }

  /** Channels as an array. */
  public static List<Map<String, Object>> channels(List<Channel> channels) {
    return channels.stream().map(ChannelJson::channel).toList();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
