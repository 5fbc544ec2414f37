package dev.kanal.library;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TitlesTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "The.Big.Movie.2019.2160p.UHD.BluRay.x265-GRP.mkv | The Big Movie 2019",
      "Amélie (2001) [1080p].mkv | Amélie (2001)",
      "holiday_video_2023.mp4 | holiday video 2023",
      "[Group] Show Name - 01 [720p].mkv | Show Name - 01",
      "4K Nature Documentary.mp4 | 4K Nature Documentary",
      "Some.Film.1080p.WEB-DL.DDP5.1.H.264.mkv | Some Film",
      "東京物語.mp4 | 東京物語",
      ".mp4 | mp4",
      "noextension | noextension",
  })
  void fromFileName(String file, String title) {
    assertThat(Titles.fromFileName(file)).isEqualTo(title);
  }

  @ParameterizedTest
  @CsvSource({"Amélie,amelie", "ÅNGSTRÖM,angstrom", "ﬁlm,film", "Москва,москва"})
  void searchKey_foldsCaseAccentsAndCompatibilityForms(String text, String key) {
    assertThat(Titles.searchKey(text)).isEqualTo(key);
  }
}
