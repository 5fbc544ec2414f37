package dev.kanal.hls;

import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.playlist.MasterPlaylist.Variant;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Variant names and selection, as streamlink names them: {@code 720p} from the RESOLUTION height,
 * {@code 720p60} when FRAME-RATE is above 30, {@code 3000k} from BANDWIDTH when there is no
 * resolution; {@code best} and {@code worst} by height, then frame rate, then bandwidth.
 */
public final class Quality {

  private static final Pattern HEIGHT = Pattern.compile("(\\d{2,5})p(\\d{2,3})?");
  private static final Pattern KBPS = Pattern.compile("(\\d{1,7})k");

  /** Orders variants from worst to best. */
  static final Comparator<Variant> WORST_TO_BEST = Comparator
      .comparingInt((Variant v) -> v.stream().resolution().map(MasterPlaylist.Resolution::height).orElse(0))
      .thenComparingInt(Quality::fps)
      .thenComparingLong(v -> v.stream().bandwidth().orElse(0));

  private Quality() {}

  /** Whether a quality string is one this class understands. */
  public static boolean isValid(String quality) {
    String q = quality.toLowerCase(Locale.ROOT);
    return q.equals("best") || q.equals("worst") || HEIGHT.matcher(q).matches() || KBPS.matcher(q).matches();
  }

  /** The streamlink-style name of a variant: 720p, 720p60 or 3000k. */
  public static String name(Variant v) {
    Optional<MasterPlaylist.Resolution> res = v.stream().resolution();
    if (res.isPresent()) {
      int fps = fps(v);
      return res.get().height() + "p" + (fps > 30 ? String.valueOf(fps) : "");
    }
    return Math.round(v.stream().bandwidth().orElse(0) / 1000.0) + "k";
  }

  /** The names of a playlist's variants, best first, without duplicates. */
  public static List<String> names(MasterPlaylist master) {
    List<Variant> sorted = new ArrayList<>(master.variants());
    sorted.sort(WORST_TO_BEST.reversed());
    LinkedHashSet<String> names = new LinkedHashSet<>();
    sorted.forEach(v -> names.add(name(v)));
    return List.copyOf(names);
  }

  /**
   * Picks the variant for a quality name. {@code 720p} matches a 720p variant of at most 30 fps
   * first, then any 720p; {@code 3000k} matches the variant whose bandwidth is closest; among equal
   * names the highest bandwidth wins.
   */
  public static Variant select(MasterPlaylist master, String quality) throws HlsException {
    List<Variant> variants = master.variants();
    if (variants.isEmpty()) {
      throw new HlsException(HlsException.Kind.UPSTREAM, "the multivariant playlist lists no variant stream");
    }
    String q = quality.toLowerCase(Locale.ROOT).strip();
    Comparator<Variant> byBandwidth = Comparator.comparingLong(v -> v.stream().bandwidth().orElse(0));
    if (q.equals("best")) {
      return variants.stream().max(WORST_TO_BEST).orElseThrow();
    }
    if (q.equals("worst")) {
      return variants.stream().min(WORST_TO_BEST).orElseThrow();
    }
    Matcher h = HEIGHT.matcher(q);
    if (h.matches()) {
      int height = Integer.parseInt(h.group(1));
      Optional<Variant> exact = variants.stream().filter(v -> name(v).equals(q)).max(byBandwidth);
      if (exact.isPresent()) {
        return exact.get();
      }
      if (h.group(2) == null) {
        Optional<Variant> anyFps = variants.stream()
            .filter(v -> v.stream().resolution().map(r -> r.height() == height).orElse(false))
            .max(Comparator.comparingInt(Quality::fps).thenComparing(byBandwidth));
        if (anyFps.isPresent()) {
          return anyFps.get();
        }
      }
    }
    Matcher k = KBPS.matcher(q);
    if (k.matches()) {
      long wanted = Long.parseLong(k.group(1)) * 1000;
      Optional<Variant> closest = variants.stream().filter(v -> v.stream().bandwidth().isPresent())
          .min(Comparator.comparingLong(v -> Math.abs(v.stream().bandwidth().getAsLong() - wanted)));
      if (closest.isPresent()) {
        return closest.get();
      }
    }
    if (!isValid(q)) {
      throw new HlsException(HlsException.Kind.UNSUPPORTED, "unknown quality '" + quality
          + "': use best, worst, a height like 720p or 720p60, or a bitrate like 3000k");
    }
    throw new HlsException(HlsException.Kind.UNSUPPORTED, "quality " + quality + " is not available; this stream has "
        + String.join(", ", names(master)));
  }

  static int fps(Variant v) {
    return v.frameRate().map(f -> f.setScale(0, RoundingMode.HALF_UP).intValue()).orElse(BigDecimal.ZERO.intValue());
  }
}
