package dev.kanal.iptv;

import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.store.Database;
import dev.kanal.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The history of health checks in the embedded store (table {@code iptv_checks}, owner
 * {@code iptv-health}): one row per source checked, newest looked up by URL.
 */
public final class HealthHistory {

  private static final List<List<String>> SCHEMA = List.of(List.of(
      """
      CREATE TABLE iptv_checks (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        http_status INTEGER,
        latency_ms INTEGER NOT NULL,
        detail TEXT NOT NULL,
        variants INTEGER NOT NULL,
        max_width INTEGER,
        max_height INTEGER,
        max_bandwidth INTEGER,
        checked_at INTEGER NOT NULL)""",
      "CREATE INDEX iptv_checks_url ON iptv_checks (url, checked_at)"));

  private final Database db;

  private HealthHistory(Database db) {
    this.db = db;
  }

  /** The history in {@code db}, its table created or brought up to date. */
  public static HealthHistory open(Database db) throws StoreException {
    db.migrate("iptv-health", SCHEMA);
    return new HealthHistory(db);
  }

  /** Appends these results, in one transaction. */
  public void record(List<CheckResult> results) throws SQLException {
    db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO iptv_checks (url, channel_id, name, status, "
          + "http_status, latency_ms, detail, variants, max_width, max_height, max_bandwidth, checked_at) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (CheckResult r : results) {
          ps.setString(1, r.url());
          ps.setString(2, r.channelId());
          ps.setString(3, r.name());
          ps.setString(4, r.status().text());
          setInt(ps, 5, r.httpStatus().isPresent() ? r.httpStatus().getAsInt() : null);
          ps.setLong(6, r.latencyMs());
          ps.setString(7, r.detail());
          ps.setInt(8, r.variants());
          setInt(ps, 9, r.maxResolution().map(MasterPlaylist.Resolution::width).orElse(null));
          setInt(ps, 10, r.maxResolution().map(MasterPlaylist.Resolution::height).orElse(null));
          if (r.maxBandwidth().isPresent()) {
            ps.setLong(11, r.maxBandwidth().getAsLong());
          } else {
            ps.setNull(11, Types.INTEGER);
          }
          ps.setLong(12, r.checkedAt().toEpochMilli());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /** The newest check of this URL, if it was ever checked. */
  public Optional<CheckResult> latest(String url) throws SQLException {
    List<CheckResult> found = latest(List.of(url));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /**
   * The newest check of each of these URLs that was ever checked, in the order of the URLs: one
   * indexed lookup per URL on one connection (a catalog's health costs milliseconds, not a scan of the history).
   */
  public List<CheckResult> latest(List<String> urls) throws SQLException {
    return db.read(c -> {
      List<CheckResult> found = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT channel_id, name, status, http_status, latency_ms, detail, "
          + "variants, max_width, max_height, max_bandwidth, checked_at FROM iptv_checks WHERE url = ? "
          + "ORDER BY checked_at DESC, id DESC LIMIT 1")) {
        for (String url : urls) {
          ps.setString(1, url);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              found.add(row(url, rs));
            }
          }
        }
      }
      return found;
    });
  }

  private static CheckResult row(String url, ResultSet rs) throws SQLException {
    int http = rs.getInt(4);
    OptionalInt httpStatus = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(http);
    int width = rs.getInt(8);
    boolean noWidth = rs.wasNull();
    int height = rs.getInt(9);
    Optional<MasterPlaylist.Resolution> resolution = noWidth || rs.wasNull() || width <= 0 || height <= 0
        ? Optional.empty() : Optional.of(new MasterPlaylist.Resolution(width, height));
    long bandwidth = rs.getLong(10);
    OptionalLong maxBandwidth = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(bandwidth);
    return new CheckResult(rs.getString(1), rs.getString(2), url, CheckStatus.ofText(rs.getString(3)),
        httpStatus, rs.getLong(5), rs.getString(6), rs.getInt(7), resolution, maxBandwidth,
        Instant.ofEpochMilli(rs.getLong(11)));
  }

  private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setInt(index, value);
    }
  }
}
