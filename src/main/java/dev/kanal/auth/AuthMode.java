package dev.kanal.auth;

import dev.kanal.config.KanalConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Whether a server must ask who is calling ({@code server.auth.mode}): {@code auto} when it listens on
 * anything but a loopback address ({@code 0.0.0.0} and {@code ::} included), {@code on} always,
 * {@code off} never, which on a non-loopback address is refused unless {@code allowOpen} is set.
 */
public final class AuthMode {

  private AuthMode() {}

  /**
   * Whether logins are required for {@code server}.
   *
   * @throws IllegalStateException with the sentence to show when {@code off} would serve the network openly
   */
  public static boolean required(KanalConfig.ServerConfig server) {
    KanalConfig.AuthConfig auth = server.auth();
    boolean loopback = loopback(server.host());
    return switch (auth.mode()) {
      case "on" -> true;
      case "off" -> {
        if (!loopback && !auth.allowOpen()) {
          throw new IllegalStateException("server.auth.mode is off but server.host " + server.host()
              + " is not a loopback address: anyone on the network could watch, change settings and delete;"
              + " use server.auth.mode auto (and 'kanal user add NAME --admin'), or set server.auth.allowOpen: true"
              + " when a trusted proxy in front authenticates");
        }
        yield false;
      }
      default -> !loopback;
    };
  }

  /** Whether {@code host} is a loopback address (a name is resolved; one that does not resolve is not loopback). */
  public static boolean loopback(String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    try {
      String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
