package dev.kanal.relay;

import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.playlist.MasterPlaylist.Rendition;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Which upstream playlist a relay view stands for on the active source: the variant (or I-frame
 * playlist) whose bandwidth is nearest, by ratio, to the one the relay's multivariant playlist
 * announced at that position; the rendition of the same type with the same group and name, else the
 * same name, else the same language, else the first. So {@code v1.m3u8} stays meaningful after a
 * switch to a source with other variants.
 */
final class Variants {

  private Variants() {}

  /** The URI (as written upstream) for view {@code kind k} of the relay master {@code announced}. */
  static Optional<String> pick(MasterPlaylist upstream, char kind, int k, LiveRelay.RelayMaster announced) {
    return switch (kind) {
      case 'v' -> nearest(upstream.variants().stream().map(v -> new Candidate(v.uri(), v.stream().bandwidth())).toList(),
          bandwidth(announced.variants(), k));
      case 'i' -> nearest(upstream.iframeVariants().stream()
          .map(v -> new Candidate(v.uri(), v.stream().bandwidth())).toList(), bandwidth(announced.iframes(), k));
      case 'r' -> k < announced.renditions().size() ? rendition(upstream, announced.renditions().get(k)) : Optional.empty();
      default -> Optional.empty();
    };
  }

  private record Candidate(String uri, OptionalLong bandwidth) {}

  private static OptionalLong bandwidth(List<OptionalLong> announced, int k) {
    return k < announced.size() ? announced.get(k) : OptionalLong.empty();
  }

  private static Optional<String> nearest(List<Candidate> candidates, OptionalLong wanted) {
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    if (wanted.isEmpty() || wanted.getAsLong() <= 0) {
      return Optional.of(candidates.getFirst().uri());
    }
    Candidate best = null;
    double bestDistance = Double.MAX_VALUE;
    for (Candidate c : candidates) {
      double d = c.bandwidth().isPresent() && c.bandwidth().getAsLong() > 0
          ? Math.abs(Math.log((double) c.bandwidth().getAsLong() / wanted.getAsLong()))
          : Double.MAX_VALUE / 2;
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return Optional.of(best.uri());
  }

  private static Optional<String> rendition(MasterPlaylist upstream, Rendition wanted) {
    List<Rendition> same = upstream.renditions().stream()
        .filter(r -> r.type() == wanted.type() && r.uri().isPresent()).toList();
    return same.stream().filter(r -> r.groupId().equals(wanted.groupId()) && r.name().equals(wanted.name())).findFirst()
        .or(() -> same.stream().filter(r -> wanted.name().isPresent() && r.name().equals(wanted.name())).findFirst())
        .or(() -> same.stream().filter(r -> wanted.language().isPresent() && r.language().equals(wanted.language()))
            .findFirst())
        .or(() -> same.stream().findFirst())
        .flatMap(Rendition::uri);
  }
}
