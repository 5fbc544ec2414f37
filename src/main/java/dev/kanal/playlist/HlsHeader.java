package dev.kanal.playlist;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The tags that multivariant and media playlists share (RFC 8216bis 4.4.1 and 4.4.2).
 *
 * @param version the compatibility version, as defined by #EXT-X-VERSION (absent means version 1)
 * @param independentSegments whether every segment decodes on its own, as defined by #EXT-X-INDEPENDENT-SEGMENTS
 * @param start the preferred point to start playing, as defined by #EXT-X-START
 * @param defines the variables, in order, as defined by #EXT-X-DEFINE
 */
public record HlsHeader(OptionalInt version, boolean independentSegments, Optional<Start> start,
    List<Define> defines) {

  /** No version, no start, no variables. */
  public static final HlsHeader EMPTY = new HlsHeader(OptionalInt.empty(), false, Optional.empty(), List.of());

  /** Copies the list. */
  public HlsHeader {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(start, "start");
    defines = List.copyOf(defines);
  }

  /** A copy with another version. */
  public HlsHeader withVersion(int value) {
    return new HlsHeader(OptionalInt.of(value), independentSegments, start, defines);
  }

  /**
   * The preferred start point, as defined by #EXT-X-START.
   *
   * @param timeOffsetSeconds seconds from the start (negative: from the end), as defined by TIME-OFFSET
   * @param precise whether to start exactly there rather than at the segment start, as defined by PRECISE
   */
  public record Start(BigDecimal timeOffsetSeconds, boolean precise) {

    /** Requires the offset. */
    public Start {
      Objects.requireNonNull(timeOffsetSeconds, "timeOffsetSeconds");
    }
  }

  /**
   * One variable, as defined by #EXT-X-DEFINE (RFC 8216bis 4.4.2.3).
   *
   * @param source which attribute declared it: VALUE, IMPORT or QUERYPARAM
   * @param name the variable name, as defined by NAME, IMPORT or QUERYPARAM
   * @param value the value substituted for {@code {$name}}, absent when an IMPORT or QUERYPARAM found none
   */
  public record Define(Source source, String name, Optional<String> value) {

    /** Requires every component. */
    public Define {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }

    /** The attribute that declares a variable. */
    public enum Source {
      /** NAME and VALUE. */
      VALUE,
      /** IMPORT: the value comes from the multivariant playlist ({@link ParseOptions#importVariables()}). */
      IMPORT,
      /** QUERYPARAM: the value comes from the query of the playlist's URL ({@link ParseOptions#baseUri()}). */
      QUERYPARAM
    }
  }
}
