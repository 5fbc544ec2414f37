package dev.kanal.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ffmpeg/ffprobe input options for a URL that comes from the network (a channel of a playlist, a
 * stream to check), issue #13: {@code -protocol_whitelist} limited to network protocols, so that a
 * playlist cannot make ffmpeg read local files ({@code file:}), splice them ({@code concat:},
 * {@code subfile:}) or inline data ({@code data:}) through a variant, segment, key or map URI; and the
 * source's headers, cleaned by {@link SafeHeaders}, as {@code -user_agent} and {@code -headers}.
 * The URL itself follows {@code -i}, so it is never read as an option.
 */
public final class FfmpegNetworkInput {

  /**
   * The protocols a network input may use: HTTP(S) over TCP/TLS, {@code crypto} for AES-128 segments
   * and keys of HLS (its {@code crypto+https://} URLs), and {@code httpproxy} for an {@code http_proxy}
   * in the environment. The hls demuxer opens every nested URL through this list.
   */
  public static final String PROTOCOL_WHITELIST = "http,https,tcp,tls,crypto,httpproxy";

  private FfmpegNetworkInput() {}

  /**
   * The options to put before {@code -i url}: the protocol whitelist, the User-Agent (the source's, else
   * {@code defaultUserAgent}) and the other headers.
   */
  public static List<String> options(Map<String, String> headers, String defaultUserAgent) {
    List<String> args = new ArrayList<>(List.of("-protocol_whitelist", PROTOCOL_WHITELIST));
    String userAgent = SafeHeaders.value(defaultUserAgent);
    StringBuilder other = new StringBuilder();
    for (Map.Entry<String, String> h : SafeHeaders.clean(headers).entrySet()) {
      if (h.getKey().equalsIgnoreCase("User-Agent")) {
        userAgent = h.getValue();
      } else {
        other.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
    }
    args.addAll(List.of("-user_agent", userAgent));
    if (!other.isEmpty()) {
      args.addAll(List.of("-headers", other.toString()));
    }
    return args;
  }
}
