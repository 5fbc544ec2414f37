package dev.kanal.library;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kanal.media.MediaInfo;
import dev.kanal.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The library's tables in the embedded database, and the SQL that reads and writes them. */
final class LibraryStore {

  /** The library's schema steps; append, never edit a released one. */
  static final List<List<String>> MIGRATIONS = List.of(List.of(
      """
      CREATE TABLE videos (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        root TEXT NOT NULL,
        collection TEXT NOT NULL,
        file_name TEXT NOT NULL,
        title TEXT NOT NULL,
        search_key TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        added_ms INTEGER NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        duration REAL,
        width INTEGER,
        height INTEGER,
        info_json TEXT
      )""",
      "CREATE INDEX videos_fingerprint ON videos(fingerprint)",
      "CREATE INDEX videos_title ON videos(search_key)",
      "CREATE INDEX videos_added ON videos(added_ms)",
      "CREATE INDEX videos_duration ON videos(duration)"));

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final String COLUMNS = "id, path, root, collection, file_name, title, content_type, size, mtime_ms,"
      + " fingerprint, added_ms, status, reason, info_json";

  /** How a listing is sorted. */
  enum Sort {
    TITLE("search_key"), ADDED("added_ms"), DURATION("duration"), SIZE("size");

    final String column;

    Sort(String column) {
      this.column = column;
    }
  }

  private final Database db;

  LibraryStore(Database db) {
    this.db = db;
  }

  List<Video> all() throws SQLException {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM videos")) {
        return rows(ps);
      }
    });
  }

  Optional<Video> get(String id) throws SQLException {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM videos WHERE id = ?")) {
        ps.setString(1, id);
        return rows(ps).stream().findFirst();
      }
    });
  }

  /**
   * One page of the videos under {@code roots} whose title or file name contains {@code query}
   * (accent- and case-insensitive), optionally only those with {@code status}.
   */
  Library.Page list(String query, Video.Status status, Sort sort, boolean descending, int offset, int limit, List<Path> roots)
      throws SQLException {
    if (roots.isEmpty()) {
      return new Library.Page(List.of(), 0);
    }
    String key = Titles.searchKey(query == null ? "" : query.strip());
    String where = " WHERE (? = '' OR instr(search_key, ?) > 0) AND (? IS NULL OR status = ?) AND root IN ("
        + String.join(",", java.util.Collections.nCopies(roots.size(), "?")) + ")";
    String order = " ORDER BY " + sort.column + (descending ? " DESC" : " ASC") + " NULLS LAST, search_key, id";
    return db.read(c -> {
      int total;
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM videos" + where)) {
        bindFilter(ps, key, status, roots);
        try (ResultSet rs = ps.executeQuery()) {
          total = rs.next() ? rs.getInt(1) : 0;
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM videos" + where + order + " LIMIT ? OFFSET ?")) {
        int next = bindFilter(ps, key, status, roots);
        ps.setInt(next, limit);
        ps.setInt(next + 1, offset);
        return new Library.Page(rows(ps), total);
      }
    });
  }

  /** Binds the filter parameters; returns the next parameter index. */
  private static int bindFilter(PreparedStatement ps, String key, Video.Status status, List<Path> roots) throws SQLException {
    ps.setString(1, key);
    ps.setString(2, key);
    String s = status == null ? null : status.json();
    ps.setString(3, s);
    ps.setString(4, s);
    int i = 5;
    for (Path root : roots) {
      ps.setString(i++, root.toString());
    }
    return i;
  }

  /** Inserts or replaces these videos, and deletes the ids in {@code removed}, in one transaction. */
  void write(Collection<Video> upserts, Collection<String> removed) throws SQLException {
    if (upserts.isEmpty() && removed.isEmpty()) {
      return;
    }
    db.transaction(c -> {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM videos WHERE id = ?")) {
        for (String id : removed) {
          del.setString(1, id);
          del.addBatch();
        }
        del.executeBatch();
      }
      upsert(c, upserts);
      return null;
    });
  }

  private static void upsert(Connection c, Collection<Video> videos) throws SQLException {
    String sql = "INSERT OR REPLACE INTO videos (" + COLUMNS + ", search_key, duration, width, height)"
        + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (Video v : videos) {
        ps.setString(1, v.id());
        ps.setString(2, v.path().toString());
        ps.setString(3, v.root().toString());
        ps.setString(4, v.collection());
        ps.setString(5, v.fileName());
        ps.setString(6, v.title());
        ps.setString(7, v.contentType());
        ps.setLong(8, v.size());
        ps.setLong(9, v.modified().toEpochMilli());
        ps.setString(10, v.fingerprint());
        ps.setLong(11, v.added().toEpochMilli());
        ps.setString(12, v.status().json());
        ps.setString(13, v.reason());
        ps.setString(14, v.info() == null ? null : json(v.info()));
        ps.setString(15, Titles.searchKey(v.title() + " " + v.fileName()));
        setDouble(ps, 16, v.duration());
        Integer width = v.info() == null ? null : v.info().video().map(MediaInfo.Stream::width).orElse(null);
        Integer height = v.info() == null ? null : v.info().video().map(MediaInfo.Stream::height).orElse(null);
        setInt(ps, 17, width);
        setInt(ps, 18, height);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static List<Video> rows(PreparedStatement ps) throws SQLException {
    List<Video> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String info = rs.getString("info_json");
        out.add(new Video(rs.getString("id"), Path.of(rs.getString("path")), Path.of(rs.getString("root")),
            rs.getString("collection"), rs.getString("file_name"), rs.getString("title"), rs.getString("content_type"),
            rs.getLong("size"), Instant.ofEpochMilli(rs.getLong("mtime_ms")), rs.getString("fingerprint"),
            Instant.ofEpochMilli(rs.getLong("added_ms")), Video.Status.valueOf(rs.getString("status").toUpperCase(java.util.Locale.ROOT)),
            rs.getString("reason"), info == null ? null : parseInfo(info)));
      }
    }
    return out;
  }

  private static String json(MediaInfo info) {
    try {
      return JSON.writeValueAsString(info);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("MediaInfo is always serialisable", e);
    }
  }

  private static MediaInfo parseInfo(String json) throws SQLException {
    try {
      return JSON.readValue(json, MediaInfo.class);
    } catch (JsonProcessingException e) {
      throw new SQLException("a stored video's metadata is not readable JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.REAL);
    } else {
      ps.setDouble(index, value);
    }
  }

  private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setInt(index, value);
    }
  }
}
