package dev.kanal.playlist;

import dev.kanal.playlist.MasterPlaylist.ContentSteering;
import dev.kanal.playlist.MasterPlaylist.Groups;
import dev.kanal.playlist.MasterPlaylist.HdcpLevel;
import dev.kanal.playlist.MasterPlaylist.IFrameVariant;
import dev.kanal.playlist.MasterPlaylist.Rendition;
import dev.kanal.playlist.MasterPlaylist.RenditionType;
import dev.kanal.playlist.MasterPlaylist.Resolution;
import dev.kanal.playlist.MasterPlaylist.Selection;
import dev.kanal.playlist.MasterPlaylist.SessionData;
import dev.kanal.playlist.MasterPlaylist.StreamInfo;
import dev.kanal.playlist.MasterPlaylist.Variant;
import dev.kanal.playlist.MasterPlaylist.VideoRange;
import dev.kanal.playlist.MediaPlaylist.Context;
import dev.kanal.playlist.MediaPlaylist.DateRange;
import dev.kanal.playlist.MediaPlaylist.InitSection;
import dev.kanal.playlist.MediaPlaylist.LowLatency;
import dev.kanal.playlist.MediaPlaylist.Part;
import dev.kanal.playlist.MediaPlaylist.PartInf;
import dev.kanal.playlist.MediaPlaylist.PlaylistType;
import dev.kanal.playlist.MediaPlaylist.PreloadHint;
import dev.kanal.playlist.MediaPlaylist.RenditionReport;
import dev.kanal.playlist.MediaPlaylist.Segment;
import dev.kanal.playlist.MediaPlaylist.ServerControl;
import dev.kanal.playlist.MediaPlaylist.Skip;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;

/**
 * Random but writable HLS models for round-trip properties: every model it makes is one the parser
 * can produce (line numbers 0, no warnings), so parse(write(model)) must give it back.
 */
final class HlsGenerators {

  private static final String[] WORDS = {"a", "Ünïcode", "日本語", "emoji \uD83C\uDFAC", "x,y", "a=b", "with space",
      "tab\there", "{not a var}", "path/to/file", "?q=1&r=2"};

  private final Random random;

  HlsGenerators(long seed) {
    random = new Random(seed);
  }

  // ---- media ----

  MediaPlaylist media() {
    int count = random.nextInt(12);
    long mediaSequence = chance(0.5) ? 0 : random.nextInt(100_000);
    Optional<Skip> skip = chance(0.2)
        ? Optional.of(new Skip(random.nextInt(10), chance(0.5) ? List.of() : List.of("r1", "r2")))
        : Optional.empty();
    long sequence = mediaSequence + skip.map(Skip::skippedSegments).orElse(0L);
    List<Segment> segments = new ArrayList<>();
    Context context = Context.NONE;
    List<HlsKey> keys = List.of();
    Optional<InitSection> map = Optional.empty();
    OptionalLong bitrate = OptionalLong.empty();
    List<HlsUnknownTag> unknown = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      while (chance(0.15)) {
        unknown.add(new HlsUnknownTag(0, i, unknownTag()));
      }
      boolean changed = false;
      if (chance(0.2)) {
        keys = keys();
        changed = true;
      }
      if (chance(0.15)) {
        map = Optional.of(new InitSection(uri(), chance(0.5) ? Optional.of(range()) : Optional.empty()));
        changed = true;
      }
      if (chance(0.15)) {
        bitrate = OptionalLong.of(1 + random.nextInt(10_000));
        changed = true;
      }
      if (changed) {
        context = new Context(keys, map, bitrate);
      }
      segments.add(new Segment(0, sequence++, uri(), decimal(), chance(0.3) ? Optional.of(word()) : Optional.empty(),
          chance(0.3) ? Optional.of(range()) : Optional.empty(), chance(0.1), chance(0.1),
          chance(0.2) ? Optional.of(dateTime()) : Optional.empty(), context, dateRanges(), parts()));
    }
    while (chance(0.2)) {
      unknown.add(new HlsUnknownTag(0, count, unknownTag()));
    }
    LowLatency lowLatency = chance(0.3) ? LowLatency.NONE : new LowLatency(
        chance(0.5) ? Optional.of(new PartInf(decimal())) : Optional.empty(),
        chance(0.5) ? Optional.of(new ServerControl(optDecimal(), chance(0.5), optDecimal(), optDecimal(), chance(0.5)))
            : Optional.empty(),
        skip, parts(), hints(), reports());
    if (lowLatency == LowLatency.NONE && skip.isPresent()) {
      lowLatency = new LowLatency(Optional.empty(), Optional.empty(), skip, List.of(), List.of(), List.of());
    }
    return new MediaPlaylist(header(), OptionalLong.of(random.nextInt(20)), mediaSequence,
        chance(0.5) ? 0 : random.nextInt(50), chance(0.5) ? Optional.empty()
            : Optional.of(PlaylistType.values()[random.nextInt(2)]), chance(0.5), chance(0.2), lowLatency, segments,
        unknown, List.of());
  }

  private List<HlsKey> keys() {
    int n = random.nextInt(3);
    List<HlsKey> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HlsKey.Method method = HlsKey.Method.values()[1 + random.nextInt(HlsKey.Method.values().length - 1)];
      Optional<String> format = i == 0 && chance(0.5) ? Optional.empty() : Optional.of("format" + i);
      keys.add(new HlsKey(method, Optional.of(uri()), chance(0.5) ? Optional.of(iv()) : Optional.empty(), format,
          chance(0.3) ? Optional.of("1/2") : Optional.empty()));
    }
    return keys;
  }

  private List<DateRange> dateRanges() {
    List<DateRange> ranges = new ArrayList<>();
    while (chance(0.15)) {
      List<DateRange.Attribute> others = new ArrayList<>();
      if (chance(0.5)) {
        others.add(new DateRange.Attribute("SCTE35-OUT", "0xFC30" + Integer.toHexString(random.nextInt()), false));
      }
      if (chance(0.5)) {
        others.add(new DateRange.Attribute("X-AD-ID", word(), true));
      }
      if (chance(0.3)) {
        others.add(new DateRange.Attribute("X-NUMBER", decimal().toPlainString(), false));
      }
      ranges.add(new DateRange(0, word(), chance(0.5) ? Optional.of(word()) : Optional.empty(),
          chance(0.8) ? Optional.of(dateTime()) : Optional.empty(), chance(0.3) ? Optional.of(dateTime()) : Optional.empty(),
          optDecimal(), optDecimal(), chance(0.2) ? List.of("PRE", "ONCE") : List.of(), chance(0.1), others));
    }
    return ranges;
  }

  private List<Part> parts() {
    List<Part> parts = new ArrayList<>();
    while (chance(0.3)) {
      parts.add(new Part(0, uri(), decimal(), chance(0.5), chance(0.3) ? Optional.of(range()) : Optional.empty(),
          chance(0.1)));
    }
    return parts;
  }

  private List<PreloadHint> hints() {
    List<PreloadHint> hints = new ArrayList<>();
    while (chance(0.3)) {
      hints.add(new PreloadHint(PreloadHint.HintType.values()[random.nextInt(2)], uri(),
          chance(0.5) ? 0 : random.nextInt(1000), chance(0.5) ? OptionalLong.empty() : OptionalLong.of(random.nextInt(1000))));
    }
    return hints;
  }

  private List<RenditionReport> reports() {
    List<RenditionReport> reports = new ArrayList<>();
    while (chance(0.3)) {
      reports.add(new RenditionReport(uri(), optLong(), optLong()));
    }
    return reports;
  }

  // ---- multivariant ----

  MasterPlaylist master() {
    int count = 1 + random.nextInt(8);
    List<Variant> variants = new ArrayList<>();
    List<HlsUnknownTag> unknown = new ArrayList<>();
    boolean ccNone = chance(0.2);
    for (int i = 0; i < count; i++) {
      while (chance(0.15)) {
        unknown.add(new HlsUnknownTag(0, i, unknownTag()));
      }
      Groups groups = new Groups(optWord(), optWord(), optWord(), ccNone ? Optional.empty() : optWord(), ccNone);
      variants.add(new Variant(0, uri(), streamInfo(), optDecimal(), groups));
    }
    while (chance(0.2)) {
      unknown.add(new HlsUnknownTag(0, count, unknownTag()));
    }
    List<IFrameVariant> iframes = new ArrayList<>();
    while (chance(0.4)) {
      iframes.add(new IFrameVariant(0, uri(), streamInfo(), optWord()));
    }
    List<Rendition> renditions = new ArrayList<>();
    while (chance(0.6)) {
      renditions.add(new Rendition(0, RenditionType.values()[random.nextInt(4)], word(), optWord(),
          chance(0.7) ? Optional.of(uri()) : Optional.empty(), optWord(), optWord(),
          new Selection(chance(0.5), chance(0.5), chance(0.2)), optWord(), optWord(), optWord(), optWord()));
    }
    List<SessionData> data = new ArrayList<>();
    while (chance(0.3)) {
      data.add(new SessionData(0, "com.example." + random.nextInt(100), optWord(), optWord(),
          chance(0.3) ? Optional.of(chance(0.5) ? "JSON" : "RAW") : Optional.empty(), optWord()));
    }
    List<HlsKey> sessionKeys = new ArrayList<>();
    while (chance(0.2)) {
      sessionKeys.add(new HlsKey(HlsKey.Method.SAMPLE_AES, Optional.of(uri()), Optional.empty(),
          Optional.of("com.apple.streamingkeydelivery"), Optional.of("1")));
    }
    Optional<ContentSteering> steering = chance(0.2) ? Optional.of(new ContentSteering(uri(), optWord()))
        : Optional.empty();
    return new MasterPlaylist(header(), variants, iframes, renditions, data, sessionKeys, steering, unknown,
        List.of());
  }

  private StreamInfo streamInfo() {
    return new StreamInfo(chance(0.9) ? OptionalLong.of(1 + random.nextInt(10_000_000)) : OptionalLong.empty(),
        optLong(), optDecimal(), chance(0.7) ? Optional.of("avc1.640020,mp4a.40.2") : Optional.empty(), optWord(),
        chance(0.6) ? Optional.of(new Resolution(random.nextInt(4000), random.nextInt(3000))) : Optional.empty(),
        chance(0.3) ? Optional.of(HdcpLevel.values()[random.nextInt(3)]) : Optional.empty(), optWord(),
        chance(0.3) ? Optional.of(VideoRange.values()[random.nextInt(3)]) : Optional.empty(), optWord(), optWord(),
        optWord());
  }

  // ---- shared ----

  private HlsHeader header() {
    List<HlsHeader.Define> defines = new ArrayList<>();
    while (chance(0.2)) {
      defines.add(new HlsHeader.Define(HlsHeader.Define.Source.VALUE, "v" + defines.size(), Optional.of(word())));
    }
    return new HlsHeader(chance(0.7) ? OptionalInt.of(1 + random.nextInt(12)) : OptionalInt.empty(), chance(0.5),
        chance(0.3) ? Optional.of(new HlsHeader.Start(signedDecimal(), chance(0.5))) : Optional.empty(), defines);
  }

  private boolean chance(double p) {
    return random.nextDouble() < p;
  }

  private String word() {
    return WORDS[random.nextInt(WORDS.length)] + random.nextInt(10);
  }

  private Optional<String> optWord() {
    return chance(0.5) ? Optional.of(word()) : Optional.empty();
  }

  private String uri() {
    return switch (random.nextInt(4)) {
      case 0 -> "seg" + random.nextInt(1000) + ".ts";
      case 1 -> "https://cdn.example.com/" + random.nextInt(1000) + "/v.m3u8?token=a,b";
      case 2 -> "../relative/päth/" + random.nextInt(10) + ".mp4";
      default -> "data:text/plain;base64,SGVsbG8=";
    };
  }

  private String unknownTag() {
    return switch (random.nextInt(3)) {
      case 0 -> "#EXT-X-CUE-OUT:" + random.nextInt(60);
      case 1 -> "#EXT-X-CUE-IN";
      default -> "#EXT-X-Z-CUSTOM:A=\"" + word() + "\"";
    };
  }

  private BigDecimal decimal() {
    return BigDecimal.valueOf(random.nextInt(100_000), random.nextInt(6));
  }

  private BigDecimal signedDecimal() {
    BigDecimal d = decimal();
    return chance(0.5) ? d.negate() : d;
  }

  private Optional<BigDecimal> optDecimal() {
    return chance(0.5) ? Optional.of(decimal()) : Optional.empty();
  }

  private OptionalLong optLong() {
    return chance(0.5) ? OptionalLong.of(random.nextInt(1_000_000)) : OptionalLong.empty();
  }

  private HlsByteRange range() {
    return new HlsByteRange(random.nextInt(1_000_000), random.nextInt(100_000_000));
  }

  private String iv() {
    StringBuilder sb = new StringBuilder("0x");
    for (int i = 0; i < 32; i++) {
      sb.append(Character.forDigit(random.nextInt(16), 16));
    }
    return sb.toString();
  }

  private OffsetDateTime dateTime() {
    int nanos = switch (random.nextInt(3)) {
      case 0 -> 0;
      case 1 -> random.nextInt(1000) * 1_000_000;
      default -> random.nextInt(1_000_000_000);
    };
    int hours = random.nextInt(25) - 12;
    int minutes = chance(0.8) ? 0 : hours < 0 ? -30 : 30;
    return OffsetDateTime.of(2000 + random.nextInt(30), 1 + random.nextInt(12), 1 + random.nextInt(28),
        random.nextInt(24), random.nextInt(60), random.nextInt(60), nanos, ZoneOffset.ofHoursMinutes(hours, minutes));
  }
}
