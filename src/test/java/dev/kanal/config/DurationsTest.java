package dev.kanal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({"500ms,500", "4s,4000", "10m,600000", "6h,21600000", "1d,86400000", "1h30m,5400000",
      "90,90000", "1.5,1500", "0.25s,250", "2 S,2000", "1m30s,90000"})
  void parse_withUnits_givesMillis(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "abc", "10x", "s", "-5s", "5 minutes please", "1..2s", "99999999999999999999d"})
  void parse_withGarbage_throwsSentenceNamingInput(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duration");
  }

  @ParameterizedTest
  @ValueSource(strings = {"500ms", "4s", "10m", "6h", "1d", "1h30m", "1m30s500ms", "0s"})
  void format_thenParse_roundTrips(String text) {
    assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
  }

  @Test
  void byteSize_parsesBinaryUnits() {
    assertThat(ByteSize.parse("256MB").bytes()).isEqualTo(256L << 20);
    assertThat(ByteSize.parse("1.5G").bytes()).isEqualTo(3L << 29);
    assertThat(ByteSize.parse("64 KiB").bytes()).isEqualTo(64L << 10);
    assertThat(ByteSize.parse("512").bytes()).isEqualTo(512);
    assertThat(ByteSize.parse("256MB")).hasToString("256MB");
    assertThatThrownBy(() -> ByteSize.parse("12 parsecs")).hasMessageContaining("invalid size '12 parsecs'");
    assertThatThrownBy(() -> ByteSize.parse("MB")).hasMessageContaining("invalid size");
  }
}
