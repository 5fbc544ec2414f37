package dev.kanal.iptv;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A channel of an XMLTV guide ({@code <channel>}).
 *
 * @param id the {@code id} attribute, which playlists name in {@code tvg-id}
 * @param displayNames every {@code <display-name>} in document order
 * @param icon the {@code src} of the first {@code <icon>}, if any
 */
public record XmltvChannel(String id, List<String> displayNames, Optional<String> icon) {

  /** Checks for nulls and copies the names. */
  public XmltvChannel {
    Objects.requireNonNull(id, "id");
    displayNames = List.copyOf(displayNames);
    Objects.requireNonNull(icon, "icon");
  }

  /** The first display name, else the id. */
  public String name() {
    return displayNames.isEmpty() ? id : displayNames.getFirst();
  }
}
