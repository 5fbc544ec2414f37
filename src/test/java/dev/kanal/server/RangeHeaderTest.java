package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.server.RangeHeader.ByteRange;
import dev.kanal.server.RangeHeader.NotSatisfiable;
import dev.kanal.server.RangeHeader.Partial;
import dev.kanal.server.RangeHeader.Whole;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The pieces behind byte serving, without a server: the Range parser, HTTP dates, entity tag lists. */
class RangeHeaderTest {

  @Test
  void parse_beyond4GiBAndNearLongMax_neverWraps() {
    long size = 20_000_000_000L;
    assertThat(RangeHeader.parse("bytes=4294967295-4294967296", size, 16))
        .isEqualTo(new Partial(List.of(new ByteRange(4294967295L, 4294967297L))));
    assertThat(RangeHeader.parse("bytes=-9223372036854775807", size, 16))
        .isEqualTo(new Partial(List.of(new ByteRange(0, size))));
    assertThat(RangeHeader.parse("bytes=9223372036854775807-9223372036854775807", size, 16))
        .isInstanceOf(NotSatisfiable.class);
    assertThat(RangeHeader.parse("bytes=9223372036854775808-", size, 16)).isInstanceOf(NotSatisfiable.class);
  }

  @Test
  void parse_moreThanMaxRanges_servesWholeFile() {
    String sixteen = IntStream.range(0, 16).mapToObj(i -> i + "-" + i).collect(Collectors.joining(","));
    assertThat(RangeHeader.parse("bytes=" + sixteen, 100, 16)).isInstanceOf(Partial.class);
    assertThat(RangeHeader.parse("bytes=" + sixteen + ",16-16", 100, 16)).isInstanceOf(Whole.class);
    // Unsatisfiable ranges do not count against the limit, as in nginx.
    assertThat(RangeHeader.parse("bytes=" + sixteen + ",200-300", 100, 16)).isInstanceOf(Partial.class);
  }

  @Test
  void parse_rangesAddingUpToMoreThanTheFile_servesWholeFile() {
    assertThat(RangeHeader.parse("bytes=0-59,40-99", 100, 16)).isInstanceOf(Whole.class);
    assertThat(RangeHeader.parse("bytes=0-49,50-99", 100, 16)).isInstanceOf(Partial.class);
  }

  @Test
  void contentRange_isInclusiveLastByte() {
    assertThat(new ByteRange(0, 11).contentRange(11)).isEqualTo("bytes 0-10/11");
  }

  @Test
  void httpDates_acceptTheThreeFormatsAndIgnoreTheWeekday() {
    long t = Instant.parse("1994-11-06T08:49:37Z").getEpochSecond();
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT")).hasValue(t);
    assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT")).hasValue(t);
    assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994")).hasValue(t);
    assertThat(HttpDates.parse("Mon, 06 Nov 1994 08:49:37 GMT")).hasValue(t);
    assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37")).hasValue(t);
    assertThat(HttpDates.format(t)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    assertThat(HttpDates.format(Instant.parse("2026-11-01T00:00:00Z").getEpochSecond()))
        .isEqualTo("Sun, 01 Nov 2026 00:00:00 GMT");
  }

  @Test
  void httpDates_rejectImpossibleDatesLikeNginx() {
    assertThat(HttpDates.parse("Sun, 29 Feb 2026 12:00:00 GMT")).isEmpty();
    assertThat(HttpDates.parse("Sun, 29 Feb 2028 12:00:00 GMT")).isPresent();
    assertThat(HttpDates.parse("Sun, 29 Feb 2100 12:00:00 GMT")).isEmpty();
    assertThat(HttpDates.parse("Sun, 31 Apr 2026 12:00:00 GMT")).isEmpty();
    assertThat(HttpDates.parse("Sun, 01 Nov 2026 24:00:00 GMT")).isEmpty();
    assertThat(HttpDates.parse("Sun, 01 nov 2026 12:00:00 GMT")).isEmpty();
    assertThat(HttpDates.parse("")).isEmpty();
    assertThat(HttpDates.parse("garbage")).isEmpty();
  }

  @Test
  void entityTags_strongForIfMatch_weakForIfNoneMatch() {
    String etag = "\"6b01a619-b\"";
    assertThat(EntityTags.matches(etag, etag, false)).isTrue();
    assertThat(EntityTags.matches("W/" + etag, etag, false)).isFalse();
    assertThat(EntityTags.matches("W/" + etag, etag, true)).isTrue();
    assertThat(EntityTags.matches("\"a\" , " + etag + " ", etag, true)).isTrue();
    assertThat(EntityTags.matches("\"a\", \"b\"", etag, true)).isFalse();
    assertThat(EntityTags.matches("*", etag, false)).isTrue();
    assertThat(EntityTags.matches("", etag, true)).isFalse();
  }

  @Test
  void contentDisposition_keepsAsciiNamesAndEncodesTheRest() {
    assertThat(ContentDisposition.attachment("film.mp4")).isEqualTo("attachment; filename=\"film.mp4\"");
    assertThat(ContentDisposition.attachment("Амели.mkv"))
        .isEqualTo("attachment; filename=\"_____.mkv\"; filename*=UTF-8''%D0%90%D0%BC%D0%B5%D0%BB%D0%B8.mkv");
    assertThat(ContentDisposition.attachment("a\r\nSet-Cookie: x.mp4")).doesNotContain("\r").doesNotContain("\n");
    assertThat(ContentDisposition.attachment("../../etc/passwd")).isEqualTo(
        "attachment; filename=\".._.._etc_passwd\"");
    assertThat(ContentDisposition.attachment("100% real.mp4"))
        .isEqualTo("attachment; filename=\"100_ real.mp4\"; filename*=UTF-8''100%25%20real.mp4");
  }
}
