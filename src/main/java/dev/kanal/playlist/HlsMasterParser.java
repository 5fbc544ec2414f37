package dev.kanal.playlist;

import dev.kanal.playlist.MasterPlaylist.ContentSteering;
import dev.kanal.playlist.MasterPlaylist.Groups;
import dev.kanal.playlist.MasterPlaylist.HdcpLevel;
import dev.kanal.playlist.MasterPlaylist.IFrameVariant;
import dev.kanal.playlist.MasterPlaylist.Rendition;
import dev.kanal.playlist.MasterPlaylist.RenditionType;
import dev.kanal.playlist.MasterPlaylist.Selection;
import dev.kanal.playlist.MasterPlaylist.SessionData;
import dev.kanal.playlist.MasterPlaylist.StreamInfo;
import dev.kanal.playlist.MasterPlaylist.Variant;
import dev.kanal.playlist.MasterPlaylist.VideoRange;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Reads the tags of a multivariant playlist (RFC 8216bis 4.4.6). */
final class HlsMasterParser extends HlsParser {

  private static final HdcpLevel[] HDCP = HdcpLevel.values();
  private static final String[] HDCP_TEXTS = {"TYPE-0", "TYPE-1", "NONE"};
  private static final VideoRange[] RANGES = VideoRange.values();
  private static final String[] RANGE_TEXTS = {"SDR", "HLG", "PQ"};
  private static final RenditionType[] TYPES = RenditionType.values();
  private static final String[] TYPE_TEXTS = {"AUDIO", "VIDEO", "SUBTITLES", "CLOSED-CAPTIONS"};

  private final List<Variant> variants = new ArrayList<>();
  private final List<IFrameVariant> iframeVariants = new ArrayList<>();
  private final List<Rendition> renditions = new ArrayList<>();
  private final List<SessionData> sessionData = new ArrayList<>();
  private final List<HlsKey> sessionKeys = new ArrayList<>();
  private ContentSteering contentSteering;

  /** The #EXT-X-STREAM-INF waiting for its URI line, or null. */
  private Variant pending;

  HlsMasterParser(ParseOptions options) {
    super(options);
  }

  MasterPlaylist build() {
    return new MasterPlaylist(header(), variants, iframeVariants, renditions, sessionData, sessionKeys,
        opt(contentSteering), unknownTags, problems.toList());
  }

  @Override
  String kindName() {
    return "multivariant";
  }

  @Override
  int position() {
    return variants.size();
  }

  @Override
  boolean tag(int id, String text, int valueStart) throws PlaylistParseException {
    switch (id) {
      case HlsTags.EXT_X_STREAM_INF -> streamInf(text, valueStart);
      case HlsTags.EXT_X_I_FRAME_STREAM_INF -> iframeStreamInf(text, valueStart);
      case HlsTags.EXT_X_MEDIA -> media(text, valueStart);
      case HlsTags.EXT_X_SESSION_DATA -> sessionData(text, valueStart);
      case HlsTags.EXT_X_SESSION_KEY -> sessionKey(text, valueStart);
      case HlsTags.EXT_X_CONTENT_STEERING -> contentSteering(text, valueStart);
      default -> {
        return false;
      }
    }
    return true;
  }

  @Override
  void uri(String text) throws PlaylistParseException {
    if (pending == null) {
      warn("URI line without #EXT-X-STREAM-INF is ignored");
      return;
    }
    Variant p = pending;
    pending = null;
    variants.add(new Variant(p.line(), substitute(text), p.stream(), p.frameRate(), p.groups()));
  }

  @Override
  void end() throws PlaylistParseException {
    if (pending != null) {
      warnAt(pending.line(), "#EXT-X-STREAM-INF is not followed by a URI line");
    }
  }

  private void streamInf(String text, int valueStart) throws PlaylistParseException {
    if (pending != null) {
      warnAt(pending.line(), "#EXT-X-STREAM-INF is not followed by a URI line");
      pending = null;
    }
    attributes(text, valueStart);
    StreamInfo stream = streamInfo();
    BigDecimal frameRate = optionalDecimal(attrs, "FRAME-RATE");
    String closedCaptions = null;
    boolean closedCaptionsNone = false;
    int cc = attrs.indexOf("CLOSED-CAPTIONS");
    if (cc >= 0) {
      if (!attrs.quoted(cc) && attrs.valueEquals(cc, "NONE")) {
        closedCaptionsNone = true;
      } else {
        closedCaptions = optionalString(attrs, "CLOSED-CAPTIONS");
      }
    }
    Groups groups = new Groups(opt(optionalString(attrs, "AUDIO")), opt(optionalString(attrs, "VIDEO")),
        opt(optionalString(attrs, "SUBTITLES")), opt(closedCaptions), closedCaptionsNone);
    // The URI is filled in from the next URI line.
    pending = new Variant(lineNumber, "", stream, opt(frameRate), groups);
  }

  private void iframeStreamInf(String text, int valueStart) throws PlaylistParseException {
    attributes(text, valueStart);
    String uri = requireString(attrs, "URI");
    if (uri == null) {
      return;
    }
    iframeVariants.add(new IFrameVariant(lineNumber, uri, streamInfo(), opt(optionalString(attrs, "VIDEO"))));
  }

  private StreamInfo streamInfo() throws PlaylistParseException {
    return new StreamInfo(optLong(requireLong(attrs, "BANDWIDTH")), optLong(optionalLong(attrs, "AVERAGE-BANDWIDTH")),
        opt(optionalDecimal(attrs, "SCORE")), opt(optionalString(attrs, "CODECS")),
        opt(optionalString(attrs, "SUPPLEMENTAL-CODECS")), opt(optionalResolution(attrs, "RESOLUTION")),
        opt(optionalEnum(attrs, "HDCP-LEVEL", HDCP, HDCP_TEXTS)), opt(optionalString(attrs, "ALLOWED-CPC")),
        opt(optionalEnum(attrs, "VIDEO-RANGE", RANGES, RANGE_TEXTS)), opt(optionalString(attrs, "REQ-VIDEO-LAYOUT")),
        opt(optionalString(attrs, "STABLE-VARIANT-ID")), opt(optionalString(attrs, "PATHWAY-ID")));
  }

  private void media(String text, int valueStart) throws PlaylistParseException {
    attributes(text, valueStart);
    RenditionType type = requireEnum(attrs, "TYPE", TYPES, TYPE_TEXTS);
    String groupId = requireString(attrs, "GROUP-ID");
    String name = requireString(attrs, "NAME");
    if (type == null || groupId == null) {
      warn("#EXT-X-MEDIA without a valid TYPE and GROUP-ID is ignored");
      return;
    }
    Selection selection = new Selection(optionalYesNo(attrs, "DEFAULT"), optionalYesNo(attrs, "AUTOSELECT"),
        optionalYesNo(attrs, "FORCED"));
    renditions.add(new Rendition(lineNumber, type, groupId, opt(name), opt(optionalString(attrs, "URI")),
        opt(optionalString(attrs, "LANGUAGE")), opt(optionalString(attrs, "ASSOC-LANGUAGE")), selection,
        opt(optionalString(attrs, "INSTREAM-ID")), opt(optionalString(attrs, "CHARACTERISTICS")),
        opt(optionalString(attrs, "CHANNELS")), opt(optionalString(attrs, "STABLE-RENDITION-ID"))));
  }

  private void sessionData(String text, int valueStart) throws PlaylistParseException {
    attributes(text, valueStart);
    String dataId = requireString(attrs, "DATA-ID");
    if (dataId == null) {
      return;
    }
    String format = optionalEnum(attrs, "FORMAT");
    if (format != null && !format.equals("JSON") && !format.equals("RAW")) {
      warn("unknown FORMAT value \"" + format + "\"");
      format = null;
    }
    sessionData.add(new SessionData(lineNumber, dataId, opt(optionalString(attrs, "VALUE")),
        opt(optionalString(attrs, "URI")), opt(format), opt(optionalString(attrs, "LANGUAGE"))));
  }

  private void sessionKey(String text, int valueStart) throws PlaylistParseException {
    attributes(text, valueStart);
    HlsKey.Method method = keyMethod();
    if (method == null) {
      return;
    }
    if (method == HlsKey.Method.NONE) {
      warn("#EXT-X-SESSION-KEY must not have METHOD=NONE");
      return;
    }
    sessionKeys.add(key(method));
  }

  private void contentSteering(String text, int valueStart) throws PlaylistParseException {
    attributes(text, valueStart);
    String serverUri = requireString(attrs, "SERVER-URI");
    if (serverUri == null) {
      return;
    }
    if (contentSteering != null) {
      warn("#EXT-X-CONTENT-STEERING appears more than once; the first is used");
      return;
    }
    contentSteering = new ContentSteering(serverUri, opt(optionalString(attrs, "PATHWAY-ID")));
  }
}
