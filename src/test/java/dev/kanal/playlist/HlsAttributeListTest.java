package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The shared attribute-list tokenizer, the tag table and the value parsers. */
class HlsAttributeListTest {

  private static AttributeList parse(String list) {
    AttributeList a = new AttributeList();
    a.parse("#T:" + list, 3);
    return a;
  }

  @Test
  void attributeList_quotedAndUnquotedValues_areSplitAtCommasOutsideQuotes() {
    AttributeList a = parse("BANDWIDTH=1,CODECS=\"avc1,mp4a\",RESOLUTION=1x2,NAME=\"\"");
    assertThat(a.problem()).isNull();
    assertThat(a.size()).isEqualTo(4);
    assertThat(a.value(a.indexOf("CODECS"))).isEqualTo("avc1,mp4a");
    assertThat(a.quoted(a.indexOf("CODECS"))).isTrue();
    assertThat(a.value(a.indexOf("RESOLUTION"))).isEqualTo("1x2");
    assertThat(a.quoted(a.indexOf("RESOLUTION"))).isFalse();
    assertThat(a.value(a.indexOf("NAME"))).isEmpty();
    assertThat(a.indexOf("BAND")).isEqualTo(-1);
  }

  @Test
  void attributeList_spaceAfterComma_isToleratedWithProblem() {
    AttributeList a = parse("METHOD=AES-128, IV=0x1");
    assertThat(a.value(a.indexOf("IV"))).isEqualTo("0x1");
    assertThat(a.problem()).isEqualTo("white space around attribute name IV");
  }

  @Test
  void attributeList_unterminatedQuote_takesTheRestWithProblem() {
    AttributeList a = parse("URI=\"abc,DEF=1");
    assertThat(a.value(a.indexOf("URI"))).isEqualTo("abc,DEF=1");
    assertThat(a.problem()).contains("no closing quote");
  }

  @Test
  void attributeList_duplicateName_keepsTheFirstWithProblem() {
    AttributeList a = parse("A=1,A=2");
    assertThat(a.size()).isEqualTo(1);
    assertThat(a.value(0)).isEqualTo("1");
    assertThat(a.problem()).contains("more than once");
  }

  @Test
  void attributeList_malformedPieces_areSkippedWithProblem() {
    assertThat(parse("A=1,,B=2").size()).isEqualTo(2);
    assertThat(parse("A=1,").problem()).contains("ends with a comma");
    assertThat(parse("JUNK,B=2").value(0)).isEqualTo("2");
    assertThat(parse("lower=1").problem()).contains("not made of A-Z");
    assertThat(parse("Q=\"x\"y,B=2").value(1)).isEqualTo("2");
  }

  @Test
  void attributeList_manyAttributes_growTheArrays() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sb.append(i == 0 ? "" : ",").append("A").append(i).append('=').append(i);
    }
    AttributeList a = parse(sb.toString());
    assertThat(a.size()).isEqualTo(40);
    assertThat(a.value(a.indexOf("A39"))).isEqualTo("39");
  }

  @Test
  void tagTable_findsEveryKnownTagWithoutSubstring() {
    for (int id = 1; id <= HlsTags.EXT_X_CONTENT_STEERING; id++) {
      String line = "#" + HlsTags.name(id) + ":X";
      assertThat(HlsTags.lookup(line, 1, line.indexOf(':'))).isEqualTo(id);
    }
    assertThat(HlsTags.lookup("#EXT-X-CUE-OUT", 1, 14)).isEqualTo(HlsTags.UNKNOWN);
    assertThat(HlsTags.lookup("#EXT-X-MAPX", 1, 11)).isEqualTo(HlsTags.UNKNOWN);
  }

  @Test
  void decimal_keepsScaleAndRejectsOtherForms() {
    assertThat(HlsValues.parseDecimal("9.009", 0, 5, false)).isEqualTo(new BigDecimal("9.009"));
    assertThat(HlsValues.parseDecimal("6.00000", 0, 7, false).scale()).isEqualTo(5);
    assertThat(HlsValues.parseDecimal("12345678901234567890.5", 0, 22, false))
        .isEqualTo(new BigDecimal("12345678901234567890.5"));
    assertThat(HlsValues.parseDecimal("-2.5", 0, 4, true)).isEqualTo(new BigDecimal("-2.5"));
    assertThat(HlsValues.parseDecimal("-2.5", 0, 4, false)).isNull();
    for (String bad : new String[] {"", ".", "1e5", "+1", "1.2.3", " 1", "0x10", "NaN"}) {
      assertThat(HlsValues.parseDecimal(bad, 0, bad.length(), true)).as(bad).isNull();
    }
  }

  @Test
  void decimalInteger_rejectsSignsAndOverflow() {
    assertThat(HlsValues.parseDecimalInteger("9223372036854775807", 0, 19)).isEqualTo(Long.MAX_VALUE);
    assertThat(HlsValues.parseDecimalInteger("9223372036854775808", 0, 19)).isEqualTo(-1);
    assertThat(HlsValues.parseDecimalInteger("-1", 0, 2)).isEqualTo(-1);
    assertThat(HlsValues.parseDecimalInteger("", 0, 0)).isEqualTo(-1);
  }

  @Test
  void dateTime_readsRfc3339AndPrintsItBack() {
    OffsetDateTime t = HlsValues.parseDateTime("2017-04-28T11:50:59.12+03:00", 0, 28);
    assertThat(t).isEqualTo(OffsetDateTime.of(2017, 4, 28, 11, 50, 59, 120_000_000, ZoneOffset.ofHours(3)));
    StringBuilder out = new StringBuilder();
    HlsValues.appendDateTime(out, t);
    assertThat(out).hasToString("2017-04-28T11:50:59.12+03:00");
    out.setLength(0);
    HlsValues.appendDateTime(out, OffsetDateTime.parse("2020-06-03T14:56:00Z"));
    assertThat(out).hasToString("2020-06-03T14:56:00Z");
    for (String bad : new String[] {"2020-06-03", "2020-06-03T14:56Z", "2020-02-30T00:00:00Z",
        "2020-06-03T14:56:00+25:00", "2020-06-03T14:56:00.Z", "2020-06-03 14:56:00Z"}) {
      assertThat(HlsValues.parseDateTime(bad, 0, bad.length())).as(bad).isNull();
    }
  }

  @Test
  void hexAndResolution_areChecked() {
    assertThat(HlsValues.isHexSequence("0X10ef", 0, 6)).isTrue();
    assertThat(HlsValues.isHexSequence("0x", 0, 2)).isFalse();
    assertThat(HlsValues.isHexSequence("10ef", 0, 4)).isFalse();
    assertThat(HlsValues.parseResolution("1920x1080", 0, 9)).containsExactly(1920, 1080);
    assertThat(HlsValues.parseResolution("1920*1080", 0, 9)).isNull();
    assertThat(HlsValues.parseResolution("x1080", 0, 5)).isNull();
  }
}
