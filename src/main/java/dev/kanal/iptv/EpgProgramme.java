package dev.kanal.iptv;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One programme of an XMLTV guide ({@code <programme>}).
 *
 * @param channelId the {@code channel} attribute: an {@link XmltvChannel#id()}
 * @param start the {@code start} attribute
 * @param stop the {@code stop} attribute; when absent, the start of the channel's next programme
 *     (filled in by {@link Epg}), else empty
 * @param title the first {@code <title>}
 * @param subTitle the first {@code <sub-title>}, if any
 * @param description the first {@code <desc>}, if any (cut at {@link XmltvParser#MAX_TEXT_CHARS})
 * @param categories the {@code <category>} values, at most a few
 */
public record EpgProgramme(String channelId, Instant start, Optional<Instant> stop, String title,
    Optional<String> subTitle, Optional<String> description, List<String> categories) {

  /** Checks for nulls and copies the categories. */
  public EpgProgramme {
    Objects.requireNonNull(channelId, "channelId");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(stop, "stop");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(subTitle, "subTitle");
    Objects.requireNonNull(description, "description");
    categories = List.copyOf(categories);
  }

  /** True when the programme runs at {@code at}: start inclusive, stop exclusive. */
  public boolean runsAt(Instant at) {
    return !start.isAfter(at) && stop.map(at::isBefore).orElse(false);
  }

  /** This programme with a stop time. */
  EpgProgramme withStop(Instant value) {
    return new EpgProgramme(channelId, start, Optional.of(value), title, subTitle, description, categories);
  }
}
