package dev.kanal.playlist;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An HLS multivariant ("master") playlist: the variant streams and renditions of one presentation
 * (RFC 8216bis 4.4.6).
 *
 * @param header the tags shared with media playlists (EXT-X-VERSION, EXT-X-INDEPENDENT-SEGMENTS,
 *     EXT-X-START, EXT-X-DEFINE)
 * @param variants the variant streams in order, as defined by #EXT-X-STREAM-INF and the URI line that follows
 * @param iframeVariants the I-frame playlists, as defined by #EXT-X-I-FRAME-STREAM-INF
 * @param renditions the alternative renditions, as defined by #EXT-X-MEDIA
 * @param sessionData arbitrary session data, as defined by #EXT-X-SESSION-DATA
 * @param sessionKeys keys to preload, as defined by #EXT-X-SESSION-KEY
 * @param contentSteering the steering manifest, as defined by #EXT-X-CONTENT-STEERING
 * @param unknownTags tags the parser does not model, with their positions among the variants
 * @param warnings problems the lenient parser tolerated
 */
public record MasterPlaylist(HlsHeader header, List<Variant> variants, List<IFrameVariant> iframeVariants,
    List<Rendition> renditions, List<SessionData> sessionData, List<HlsKey> sessionKeys,
    Optional<ContentSteering> contentSteering, List<HlsUnknownTag> unknownTags, List<ParseWarning> warnings)
    implements Playlist {

  /** Copies the lists and requires every component. */
  public MasterPlaylist {
    Objects.requireNonNull(header, "header");
    variants = List.copyOf(variants);
    iframeVariants = List.copyOf(iframeVariants);
    renditions = List.copyOf(renditions);
    sessionData = List.copyOf(sessionData);
    sessionKeys = List.copyOf(sessionKeys);
    Objects.requireNonNull(contentSteering, "contentSteering");
    unknownTags = List.copyOf(unknownTags);
    warnings = List.copyOf(warnings);
  }

  /** The renditions of one type and group, in order. */
  public List<Rendition> renditions(RenditionType type, String groupId) {
    return renditions.stream().filter(r -> r.type() == type && r.groupId().equals(groupId)).toList();
  }

  /** A copy without warnings and with every line number 0, to compare playlists read from different texts. */
  public MasterPlaylist withoutSourceInfo() {
    return new MasterPlaylist(header,
        variants.stream().map(v -> v.line() == 0 ? v : new Variant(0, v.uri(), v.stream(), v.frameRate(), v.groups()))
            .toList(),
        iframeVariants.stream().map(v -> v.line() == 0 ? v : new IFrameVariant(0, v.uri(), v.stream(), v.video()))
            .toList(),
        renditions.stream().map(r -> r.line() == 0 ? r : new Rendition(0, r.type(), r.groupId(), r.name(), r.uri(),
            r.language(), r.assocLanguage(), r.selection(), r.instreamId(), r.characteristics(), r.channels(),
            r.stableRenditionId())).toList(),
        sessionData.stream().map(d -> d.line() == 0 ? d : new SessionData(0, d.dataId(), d.value(), d.uri(),
            d.format(), d.language())).toList(),
        sessionKeys, contentSteering, unknownTags.stream().map(HlsUnknownTag::withoutLine).toList(), List.of());
  }

  /**
   * A variant stream, as defined by #EXT-X-STREAM-INF.
   *
   * @param line the 1-based line of its #EXT-X-STREAM-INF tag, or 0 when not read from text
   * @param uri the media playlist, the URI line after the tag, with variables substituted
   * @param stream the attributes shared with I-frame variants (BANDWIDTH, CODECS, RESOLUTION...)
   * @param frameRate the maximum frame rate in frames per second, as defined by FRAME-RATE
   * @param groups the renditions it uses, as defined by AUDIO, VIDEO, SUBTITLES and CLOSED-CAPTIONS
   */
  public record Variant(int line, String uri, StreamInfo stream, Optional<BigDecimal> frameRate, Groups groups) {

    /** Requires every component. */
    public Variant {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(frameRate, "frameRate");
      Objects.requireNonNull(groups, "groups");
    }
  }

  /**
   * An I-frame playlist, as defined by #EXT-X-I-FRAME-STREAM-INF.
   *
   * @param line the 1-based line it was read from, or 0 when not read from text
   * @param uri the I-frame media playlist, as defined by the URI attribute
   * @param stream the attributes shared with variants (BANDWIDTH, CODECS, RESOLUTION...)
   * @param video the video rendition group it belongs to, as defined by the VIDEO attribute
   */
  public record IFrameVariant(int line, String uri, StreamInfo stream, Optional<String> video) {

    /** Requires every component. */
    public IFrameVariant {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(video, "video");
    }
  }

  /**
   * The attributes #EXT-X-STREAM-INF and #EXT-X-I-FRAME-STREAM-INF share (RFC 8216bis 4.4.6.2).
   *
   * @param bandwidth the peak bitrate in bit/s, as defined by BANDWIDTH (required; absent only after a lenient parse)
   * @param averageBandwidth the average bitrate in bit/s, as defined by AVERAGE-BANDWIDTH
   * @param score the author's preference among variants, as defined by SCORE
   * @param codecs the RFC 6381 codec list, as defined by CODECS
   * @param supplementalCodecs the backward-compatible enhancement codecs, as defined by SUPPLEMENTAL-CODECS
   * @param resolution the video size, as defined by RESOLUTION
   * @param hdcpLevel the output protection required, as defined by HDCP-LEVEL
   * @param allowedCpc the allowed content protection configurations, as defined by ALLOWED-CPC
   * @param videoRange the video dynamic range, as defined by VIDEO-RANGE
   * @param reqVideoLayout the required video layout (stereo, projection), as defined by REQ-VIDEO-LAYOUT
   * @param stableVariantId an identifier stable across playlist reloads, as defined by STABLE-VARIANT-ID
   * @param pathwayId the content steering pathway, as defined by PATHWAY-ID
   */
  public record StreamInfo(OptionalLong bandwidth, OptionalLong averageBandwidth, Optional<BigDecimal> score,
      Optional<String> codecs, Optional<String> supplementalCodecs, Optional<Resolution> resolution,
      Optional<HdcpLevel> hdcpLevel, Optional<String> allowedCpc, Optional<VideoRange> videoRange,
      Optional<String> reqVideoLayout, Optional<String> stableVariantId, Optional<String> pathwayId) {

    /** Requires every component. */
    public StreamInfo {
      Objects.requireNonNull(bandwidth, "bandwidth");
      Objects.requireNonNull(averageBandwidth, "averageBandwidth");
      Objects.requireNonNull(score, "score");
      Objects.requireNonNull(codecs, "codecs");
      Objects.requireNonNull(supplementalCodecs, "supplementalCodecs");
      Objects.requireNonNull(resolution, "resolution");
      Objects.requireNonNull(hdcpLevel, "hdcpLevel");
      Objects.requireNonNull(allowedCpc, "allowedCpc");
      Objects.requireNonNull(videoRange, "videoRange");
      Objects.requireNonNull(reqVideoLayout, "reqVideoLayout");
      Objects.requireNonNull(stableVariantId, "stableVariantId");
      Objects.requireNonNull(pathwayId, "pathwayId");
    }

    /** Stream information with only a bandwidth. */
    public static StreamInfo ofBandwidth(long bandwidth) {
      return new StreamInfo(OptionalLong.of(bandwidth), OptionalLong.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty());
    }
  }

  /**
   * The rendition groups a variant refers to.
   *
   * @param audio the GROUP-ID of its audio renditions, as defined by the AUDIO attribute
   * @param video the GROUP-ID of its video renditions, as defined by the VIDEO attribute
   * @param subtitles the GROUP-ID of its subtitle renditions, as defined by the SUBTITLES attribute
   * @param closedCaptions the GROUP-ID of its closed-caption renditions, as defined by CLOSED-CAPTIONS
   * @param closedCaptionsNone whether CLOSED-CAPTIONS=NONE says it carries no closed captions at all
   */
  public record Groups(Optional<String> audio, Optional<String> video, Optional<String> subtitles,
      Optional<String> closedCaptions, boolean closedCaptionsNone) {

    /** No group at all. */
    public static final Groups NONE =
        new Groups(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);

    /** Requires every component and refuses a group together with NONE. */
    public Groups {
      Objects.requireNonNull(audio, "audio");
      Objects.requireNonNull(video, "video");
      Objects.requireNonNull(subtitles, "subtitles");
      Objects.requireNonNull(closedCaptions, "closedCaptions");
      if (closedCaptionsNone && closedCaptions.isPresent()) {
        throw new IllegalArgumentException("CLOSED-CAPTIONS is either a group or NONE");
      }
    }
  }

  /**
   * A video size, as defined by the RESOLUTION attribute.
   *
   * @param width the width in pixels
   * @param height the height in pixels
   */
  public record Resolution(int width, int height) {

    /** Refuses negative sizes. */
    public Resolution {
      if (width < 0 || height < 0) {
        throw new IllegalArgumentException("resolution must not be negative: " + width + "x" + height);
      }
    }

    /** The decimal-resolution form, e.g. {@code 1280x720}. */
    @Override
    public String toString() {
      return width + "x" + height;
    }
  }

  /** The values of the HDCP-LEVEL attribute. */
  public enum HdcpLevel {
    /** HDCP type 0 or better is required. */
    TYPE_0("TYPE-0"),
    /** HDCP type 1 or better is required. */
    TYPE_1("TYPE-1"),
    /** The content does not need output protection. */
    NONE("NONE");

    private final String text;

    HdcpLevel(String text) {
      this.text = text;
    }

    /** The enumerated-string as written in a playlist. */
    public String text() {
      return text;
    }
  }

  /** The values of the VIDEO-RANGE attribute. */
  public enum VideoRange {
    /** Standard dynamic range. */
    SDR,
    /** Hybrid log-gamma. */
    HLG,
    /** Perceptual quantizer (HDR10, Dolby Vision). */
    PQ
  }

  /** The values of the TYPE attribute of #EXT-X-MEDIA. */
  public enum RenditionType {
    /** An audio rendition. */
    AUDIO("AUDIO"),
    /** A video rendition. */
    VIDEO("VIDEO"),
    /** A subtitle (WebVTT) rendition. */
    SUBTITLES("SUBTITLES"),
    /** Closed captions carried in the video. */
    CLOSED_CAPTIONS("CLOSED-CAPTIONS");

    private final String text;

    RenditionType(String text) {
      this.text = text;
    }

    /** The enumerated-string as written in a playlist. */
    public String text() {
      return text;
    }
  }

  /**
   * An alternative rendition, as defined by #EXT-X-MEDIA.
   *
   * @param line the 1-based line it was read from, or 0 when not read from text
   * @param type the media type, as defined by TYPE
   * @param groupId the group it belongs to, as defined by GROUP-ID
   * @param name a human-readable description, as defined by NAME (required; absent only after a lenient parse)
   * @param uri its media playlist, as defined by URI (absent: carried in the variant's own stream)
   * @param language the primary language (RFC 5646), as defined by LANGUAGE
   * @param assocLanguage an associated language, as defined by ASSOC-LANGUAGE
   * @param selection the DEFAULT, AUTOSELECT and FORCED flags
   * @param instreamId the closed-caption channel (CC1..CC4, SERVICE1..63), as defined by INSTREAM-ID
   * @param characteristics the comma-separated Uniform Type Identifiers, as defined by CHARACTERISTICS
   * @param channels the audio channel information, as defined by CHANNELS
   * @param stableRenditionId an identifier stable across reloads, as defined by STABLE-RENDITION-ID
   */
  public record Rendition(int line, RenditionType type, String groupId, Optional<String> name, Optional<String> uri,
      Optional<String> language, Optional<String> assocLanguage, Selection selection, Optional<String> instreamId,
      Optional<String> characteristics, Optional<String> channels, Optional<String> stableRenditionId) {

    /** Requires every component. */
    public Rendition {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(language, "language");
      Objects.requireNonNull(assocLanguage, "assocLanguage");
      Objects.requireNonNull(selection, "selection");
      Objects.requireNonNull(instreamId, "instreamId");
      Objects.requireNonNull(characteristics, "characteristics");
      Objects.requireNonNull(channels, "channels");
      Objects.requireNonNull(stableRenditionId, "stableRenditionId");
    }
  }

  /**
   * How a client may pick a rendition of its group.
   *
   * @param isDefault whether to play it without a user choice, as defined by DEFAULT
   * @param autoselect whether it may be picked by the user's preferences, as defined by AUTOSELECT
   * @param forced whether it carries essential content (subtitles), as defined by FORCED
   */
  public record Selection(boolean isDefault, boolean autoselect, boolean forced) {

    /** All three flags off, as when the attributes are absent. */
    public static final Selection NONE = new Selection(false, false, false);
  }

  /**
   * Arbitrary session data, as defined by #EXT-X-SESSION-DATA.
   *
   * @param line the 1-based line it was read from, or 0 when not read from text
   * @param dataId the reverse-DNS identifier, as defined by DATA-ID
   * @param value the data itself, as defined by VALUE
   * @param uri where the data is, as defined by URI
   * @param format how the URI resource is encoded (JSON or RAW), as defined by FORMAT
   * @param language the language of the value, as defined by LANGUAGE
   */
  public record SessionData(int line, String dataId, Optional<String> value, Optional<String> uri,
      Optional<String> format, Optional<String> language) {

    /** Requires every component. */
    public SessionData {
      Objects.requireNonNull(dataId, "dataId");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(language, "language");
    }
  }

  /**
   * Where the content steering manifest is, as defined by #EXT-X-CONTENT-STEERING.
   *
   * @param serverUri the steering server, as defined by SERVER-URI
   * @param pathwayId the pathway to start with, as defined by PATHWAY-ID
   */
  public record ContentSteering(String serverUri, Optional<String> pathwayId) {

    /** Requires every component. */
    public ContentSteering {
      Objects.requireNonNull(serverUri, "serverUri");
      Objects.requireNonNull(pathwayId, "pathwayId");
    }
  }
}
