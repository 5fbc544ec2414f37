package dev.kanal.playlist;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random IPTV playlists, as text full of what real lists get wrong, and as well-formed models. */
final class IptvGenerators {

  private static final String[] KEYS = {
    "tvg-id", "tvg-name", "tvg-logo", "group-title", "tvg-chno", "catchup", "catchup-days", "user-agent",
    "http-referrer", "status", "x-custom", "a\"b", "ключ", "k'",
  };
  private static final String[] HEADER_KEYS = {"x-tvg-url", "url-tvg", "tvg-shift", "catchup", "X-TVG-URL", "m3uautoload"};
  private static final String[] PIECES = {
    "", " ", "  ", "a", "News", ",", ", ", "\"", "'", "=", "\t", "é", "综合", "Первый", "📺", "🇷🇺", "(1080p)",
    "[Not 24/7]", "[Geo-blocked]", "Ⓖ", "Ⓢ", "#", "|", "&", "%20", "%", "\\", "/", "http://", ":", "\u00A0",
    "\u3000", "-1", "x=y", "\"quoted\"", "it's", "\u200B", "}", "{",
  };
  private static final String[] URLS = {
    "http://example.com/live/a.m3u8", "https://cdn.example/x/index.m3u8?token=a,b&c=d", "rtmp://r/live/x",
    "live/relative.m3u8", "/root/relative.ts", "http://x/a.m3u8|User-Agent=Mozilla%2F5.0&Referer=http://r/",
    "udp://@239.0.0.1:1234", "http://例え.jp/チャンネル", "file name with spaces.ts", "//cdn.example/p.m3u8",
    "C:\\Videos\\movie.mkv", "http://x/%zz", "plugin://plugin.video.youtube/play/?video_id=x",
  };
  private static final String[] DURATIONS = {"-1", "-1", "-1", "0", "10", "9.009", "+5", "-1.000", "abc", "", "1e5", "007"};
  private static final String[] OTHER_LINES = {
    "# a comment", "#EXTBYT:1234", "#EXT-X-VERSION:3", "#PLAYLIST:My list", "#EXTHTTP:{\"cookie\":\"a=b\"}",
    "#EXTHTTP:{broken", "#", "#EXTIMG:http://x/logo.png", "#EXTALB:Album, \"quoted\"",
  };
  private static final String[] EOLS = {"\n", "\r\n", "\r"};

  private final Random random;

  IptvGenerators(long seed) {
    this.random = new Random(seed);
  }

  /** A playlist as text, with malformed lines, odd spacing, mixed line ends and a possible cut. */
  String text() {
    StringBuilder out = new StringBuilder();
    String eol = pick(EOLS);
    if (chance(10)) {
      out.append('\uFEFF');
    }
    if (!chance(10)) {
      out.append(indent()).append("#EXTM3U");
      int n = random.nextInt(4);
      for (int i = 0; i < n; i++) {
        out.append(' ').append(pick(HEADER_KEYS)).append('=').append(quoted(nasty(), false));
      }
      out.append(eol);
    }
    int entries = random.nextInt(12);
    for (int e = 0; e < entries; e++) {
      if (chance(15)) {
        out.append(eol);
      }
      for (int i = random.nextInt(3); i > 0; i--) {
        out.append(indent()).append(optionLine()).append(eol);
      }
      if (!chance(8)) {
        out.append(indent()).append("#EXTINF:");
        String duration = pick(DURATIONS);
        out.append(duration);
        int attributes = random.nextInt(6);
        for (int i = 0; i < attributes; i++) {
          out.append(chance(10) ? "" : chance(5) ? "\t" : " ");
          if (chance(20)) {
            out.append(nasty().replace(",", "").replace("=", ""));
            continue;
          }
          String key = pick(KEYS);
          out.append(chance(4) ? key.toUpperCase(java.util.Locale.ROOT) : key).append('=');
          out.append(chance(25) ? "\"" + nasty() : quoted(nasty(), true));
        }
        if (!chance(15)) {
          out.append(chance(5) ? " ," : ",").append(nasty()).append(nasty());
        }
        out.append(eol);
      }
      for (int i = random.nextInt(3); i > 0; i--) {
        out.append(indent()).append(optionLine()).append(eol);
      }
      if (!chance(10)) {
        out.append(indent()).append(pick(URLS)).append(chance(5) ? " " : "").append(eol);
      }
    }
    for (int i = random.nextInt(2); i > 0; i--) {
      out.append(optionLine()).append(eol);
    }
    if (chance(5) && out.length() > 0) {
      out.setLength(random.nextInt(out.length()));
    }
    return out.toString();
  }

  /** A playlist the writer can express exactly: what the parser would give for the writer's output. */
  IptvPlaylist model() {
    Map<String, String> header = new LinkedHashMap<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      String key = pick(new String[] {"x-tvg-url", "url-tvg", "tvg-shift", "catchup", "m3uautoload"});
      if (header.keySet().stream().noneMatch(key::equalsIgnoreCase)) {
        header.put(chance(3) ? key.toUpperCase(java.util.Locale.ROOT) : key, value());
      }
    }
    List<IptvPlaylist.Entry> entries = new ArrayList<>();
    for (int e = random.nextInt(10); e > 0; e--) {
      Map<String, String> attributes = new LinkedHashMap<>();
      for (int i = random.nextInt(6); i > 0; i--) {
        attributes.put(pick(KEYS), value());
      }
      Map<String, String> vlc = new LinkedHashMap<>();
      for (int i = random.nextInt(3); i > 0; i--) {
        vlc.put(pick(new String[] {"http-user-agent", "http-referrer", "network-caching", "no-video"}), nasty().strip());
      }
      Map<String, String> kodi = new LinkedHashMap<>();
      for (int i = random.nextInt(2); i > 0; i--) {
        kodi.put(pick(new String[] {"inputstream", "inputstream.adaptive.stream_headers"}), nasty().strip());
      }
      List<String> extra = new ArrayList<>();
      for (int i = random.nextInt(3); i > 0; i--) {
        extra.add(pick(OTHER_LINES));
      }
      String url = pick(URLS);
      int pipe = url.indexOf('|');
      String resolved = pipe < 0 ? url : url.substring(0, pipe);
      BigDecimal duration = chance(2) ? IptvPlaylist.Entry.LIVE : BigDecimal.valueOf(random.nextInt(100_000), random.nextInt(4));
      String extGrp = chance(3) ? (nasty() + "g").strip() : "";
      entries.add(new IptvPlaylist.Entry((nasty() + nasty()).strip(), url, resolved, duration, attributes, extGrp, vlc,
          kodi, extra, 0));
    }
    List<String> trailing = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      trailing.add(pick(OTHER_LINES));
    }
    return new IptvPlaylist(header, entries, trailing, List.of());
  }

  /** An attribute value the writer can quote faithfully: not both kinds of quote. */
  private String value() {
    String v = nasty();
    return v.indexOf('"') >= 0 ? v.replace('\'', '`') : v;
  }

  private String optionLine() {
    return switch (random.nextInt(7)) {
      case 0 -> "#EXTVLCOPT:http-user-agent=" + nasty();
      case 1 -> "#EXTVLCOPT:" + nasty();
      case 2 -> "#KODIPROP:inputstream.adaptive.stream_headers=User-Agent=" + nasty() + "&Cookie=a%3Db";
      case 3 -> "#EXTGRP:" + nasty();
      case 4 -> "#EXTM3U tvg-shift=" + quoted(nasty(), false);
      default -> pick(OTHER_LINES);
    };
  }

  private String quoted(String value, boolean extinf) {
    if (value.indexOf('"') < 0 && !chance(6)) {
      return "\"" + value + "\"";
    }
    if (value.indexOf('\'') < 0) {
      return "'" + value + "'";
    }
    return value.replace(" ", "").replace("\t", "").replace(extinf ? "," : " ", "");
  }

  private String nasty() {
    StringBuilder out = new StringBuilder();
    for (int i = random.nextInt(5); i > 0; i--) {
      out.append(pick(PIECES));
    }
    return out.toString();
  }

  private String indent() {
    return chance(10) ? " \t" : "";
  }

  private boolean chance(int oneIn) {
    return random.nextInt(oneIn) == 0;
  }

  private <T> T pick(T[] items) {
    return items[random.nextInt(items.length)];
  }
}
