package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.IptvConfig;
import dev.kanal.config.KanalConfig.SourceConfig;
import dev.kanal.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's catalog: refreshed on its schedule, with health from the store and the configured guide. */
class LiveTvTest {

  @TempDir
  Path dir;

  static final DateTimeFormatter XMLTV = DateTimeFormatter.ofPattern("yyyyMMddHHmmss Z").withZone(ZoneOffset.UTC);

  @Test
  void refreshesOnItsSchedule_appliesHealth_andLoadsTheConfiguredGuide() throws Exception {
    Path playlist = dir.resolve("tv.m3u");
    Files.writeString(playlist, """
        #EXTM3U
        #EXTINF:-1 tvg-id="One.uk",One
        http://127.0.0.1:1/one.m3u8
        """);
    Instant now = Instant.now();
    Path guide = dir.resolve("guide.xml");
    Files.writeString(guide, """
        <?xml version="1.0" encoding="UTF-8"?>
        <tv><channel id="One.uk"><display-name>One</display-name></channel>
        <programme start="%s" stop="%s" channel="One.uk"><title>Now Showing</title></programme></tv>
        """.formatted(XMLTV.format(now.minusSeconds(600)), XMLTV.format(now.plusSeconds(600))));
    try (Database db = Database.open(dir.resolve("kanal.db"))) {
      HealthHistory.open(db).record(List.of(new CheckResult("One.uk", "One", "http://127.0.0.1:1/one.m3u8",
          CheckStatus.DEAD, java.util.OptionalInt.empty(), 12, "refused", 0, Optional.empty(), OptionalLong.empty(), now)));
      IptvConfig config = new IptvConfig(List.of(SourceConfig.of(playlist.toString())), Duration.ofMillis(300), List.of(),
          List.of(guide.toString()), List.of("One"));
      BlockingQueue<LiveTv.Snapshot> refreshes = new ArrayBlockingQueue<>(100);
      try (LiveTv live = LiveTv.start(config, dir, Optional.of(db), Clock.systemUTC())) {
        live.onRefresh(refreshes::add);
        LiveTv.Snapshot first = refreshes.poll(20, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(live.snapshot()).isSameAs(first);
        Channel one = first.catalog().find("One.uk").orElseThrow();
        assertThat(one.sources().getFirst().status()).isEqualTo(CheckStatus.DEAD);
        assertThat(first.catalog().isFavourite(one)).isTrue();
        String guideId = first.epg().match("One.uk", "One").orElseThrow();
        assertThat(first.epg().nowNext(guideId, now).now()).map(EpgProgramme::title).contains("Now Showing");

        // The next scheduled refresh sees the changed playlist without anyone asking.
        Files.writeString(playlist, """
            #EXTM3U
            #EXTINF:-1 tvg-id="One.uk",One
            http://127.0.0.1:1/one.m3u8
            #EXTINF:-1 tvg-id="Two.uk",Two
            http://127.0.0.1:1/two.m3u8
            """);
        LiveTv.Snapshot later = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
          LiveTv.Snapshot s = refreshes.poll(1, TimeUnit.SECONDS);
          if (s != null && s.catalog().find("Two.uk").isPresent()) {
            later = s;
            break;
          }
        }
        assertThat(later).as("a scheduled refresh picked up the new channel").isNotNull();
        assertThat(live.catalog().find("Two.uk")).isPresent();
      }
    }
  }

  @Test
  void fixedCatalogNeverRefreshes() {
    ChannelCatalog catalog = ChannelCatalog.of(List.of());
    try (LiveTv live = LiveTv.of(catalog, Epg.builder().build())) {
      live.refreshNow();
      assertThat(live.catalog()).isSameAs(catalog);
      assertThat(live.snapshot().refreshedAt()).isPresent();
    }
  }
}
