package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

/** The one status enum shared by the checker, the history and the catalog. */
class CheckStatusTest {

  @Test
  void text_isTheWireNameAndOfTextReadsItBack() {
    assertThat(Arrays.stream(CheckStatus.values()).map(CheckStatus::text))
        .containsExactly("alive", "dead", "geo-blocked", "timeout", "invalid", "unknown");
    for (CheckStatus s : CheckStatus.values()) {
      assertThat(CheckStatus.ofText(s.text())).isEqualTo(s);
      assertThat(CheckStatus.ofText(" " + s.text().toUpperCase() + " ")).isEqualTo(s);
    }
  }

  @Test
  void ofText_unknownOrNull_isUnknown() {
    assertThat(CheckStatus.ofText("sleeping")).isEqualTo(CheckStatus.UNKNOWN);
    assertThat(CheckStatus.ofText(null)).isEqualTo(CheckStatus.UNKNOWN);
  }

  @Test
  void rank_ordersAliveThenUnknownThenTheFailuresWithDeadLast() {
    assertThat(Arrays.stream(CheckStatus.values()).sorted(Comparator.comparingInt(CheckStatus::rank)))
        .containsExactly(CheckStatus.ALIVE, CheckStatus.UNKNOWN, CheckStatus.GEO_BLOCKED, CheckStatus.TIMEOUT,
            CheckStatus.INVALID, CheckStatus.DEAD);
  }
}
