package dev.spindle.examples.catalog.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/** The catalog's tables and queries. Every method takes a connection from the (traced) data source. */
final class CatalogStore {
  record Summary(String name, String description, String latestVersion) {}

  record Version(String version, List<String> dependencies) {}

  record Resolved(String name, String version, String requiredBy) {}

  record Resolution(List<Resolved> resolved, List<String> missing) {}

  /** Packages seeded on start: name, description, versions newest last, each "version:dep,dep". */
  private static final String[][] SEED = {
      {"zlib", "Compression library", "1.2.13", "1.3.1"},
      {"openssl", "TLS and cryptography toolkit", "3.0.13", "3.2.1"},
      {"pcre2", "Perl-compatible regular expressions", "10.42", "10.43"},
      {"curl", "Transfer data with URLs", "8.5.0:openssl,zlib", "8.6.0:openssl,zlib"},
      {"git", "Distributed version control", "2.43.0:curl,openssl,zlib,pcre2", "2.44.0:curl,openssl,zlib,pcre2"},
      {"ripgrep", "Recursive line-oriented search", "14.0.3:pcre2", "14.1.0:pcre2"},
      {"oniguruma", "Regular expressions library", "6.9.9"},
      {"jq", "Command-line JSON processor", "1.7:oniguruma", "1.7.1:oniguruma"},
      {"libffi", "Portable foreign function interface", "3.4.4", "3.4.6"},
      {"sqlite", "Embedded SQL database", "3.44.2:zlib", "3.45.1:zlib"},
      {"python3", "The Python interpreter", "3.11.8:openssl,zlib,libffi,sqlite", "3.12.2:openssl,zlib,libffi,sqlite"},
      {"icu", "Unicode and globalization", "73.2", "74.2"},
      {"nodejs", "JavaScript runtime", "20.11.1:openssl,zlib,icu", "21.6.2:openssl,zlib,icu"},
      {"hello", "Prints a friendly greeting", "2.10", "2.12.1"},
  };

  private final DataSource dataSource;

  CatalogStore(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /** Creates the tables and seeds the packages. */
  void createAndSeed() throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE packages (name VARCHAR(100) PRIMARY KEY, description VARCHAR(400))");
      s.execute("CREATE TABLE versions (package VARCHAR(100) NOT NULL, version VARCHAR(40) NOT NULL,"
          + " seq INT NOT NULL, PRIMARY KEY (package, version))");
      s.execute("CREATE TABLE dependencies (package VARCHAR(100) NOT NULL, version VARCHAR(40) NOT NULL,"
          + " depends_on VARCHAR(100) NOT NULL)");
      try (PreparedStatement p = c.prepareStatement("INSERT INTO packages VALUES (?, ?)");
          PreparedStatement v = c.prepareStatement("INSERT INTO versions VALUES (?, ?, ?)");
          PreparedStatement d = c.prepareStatement("INSERT INTO dependencies VALUES (?, ?, ?)")) {
        for (String[] pkg : SEED) {
          p.setString(1, pkg[0]);
          p.setString(2, pkg[1]);
          p.executeUpdate();
          for (int i = 2; i < pkg.length; i++) {
            String[] parts = pkg[i].split(":", 2);
            v.setString(1, pkg[0]);
            v.setString(2, parts[0]);
            v.setInt(3, i);
            v.executeUpdate();
            if (parts.length == 2) {
              for (String dep : parts[1].split(",")) {
                d.setString(1, pkg[0]);
                d.setString(2, parts[0]);
                d.setString(3, dep);
                d.executeUpdate();
              }
            }
          }
        }
      }
    }
  }

  List<Summary> search(String query, int limit) throws SQLException {
    String like = "%" + (query == null ? "" : query.toLowerCase(java.util.Locale.ROOT)) + "%";
    List<Summary> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT p.name, p.description, (SELECT v.version FROM versions v WHERE v.package = p.name"
                + " ORDER BY v.seq DESC LIMIT 1) AS latest FROM packages p"
                + " WHERE LOWER(p.name) LIKE ? OR LOWER(p.description) LIKE ? ORDER BY p.name LIMIT ?")) {
      s.setString(1, like);
      s.setString(2, like);
      s.setInt(3, limit);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) out.add(new Summary(r.getString(1), r.getString(2), r.getString(3)));
      }
    }
    return out;
  }

  /** The package's versions newest first, or null when there is no such package. */
  List<Version> versions(String name) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      if (!exists(c, name)) return null;
      Map<String, List<String>> byVersion = new LinkedHashMap<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT version FROM versions WHERE package = ? ORDER BY seq DESC")) {
        s.setString(1, name);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) byVersion.put(r.getString(1), new ArrayList<>());
        }
      }
      try (PreparedStatement s = c.prepareStatement(
          "SELECT version, depends_on FROM dependencies WHERE package = ? ORDER BY depends_on")) {
        s.setString(1, name);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            List<String> deps = byVersion.get(r.getString(1));
            if (deps != null) deps.add(r.getString(2));
          }
        }
      }
      List<Version> out = new ArrayList<>();
      byVersion.forEach((v, deps) -> out.add(new Version(v, deps)));
      return out;
    }
  }

  /** Each requested package and, transitively, its dependencies, at their latest versions. */
  Resolution resolve(List<String> names) throws SQLException {
    Map<String, Resolved> resolved = new LinkedHashMap<>();
    Set<String> missing = new LinkedHashSet<>();
    Deque<String[]> todo = new ArrayDeque<>(); // {name, requiredBy}
    for (String n : names) todo.add(new String[] {n, null});
    try (Connection c = dataSource.getConnection();
        PreparedStatement latest = c.prepareStatement(
            "SELECT version FROM versions WHERE package = ? ORDER BY seq DESC LIMIT 1");
        PreparedStatement deps = c.prepareStatement(
            "SELECT depends_on FROM dependencies WHERE package = ? AND version = ? ORDER BY depends_on")) {
      for (int steps = 0; !todo.isEmpty() && steps < 10_000; steps++) {
        String[] next = todo.poll();
        String name = next[0];
        if (resolved.containsKey(name) || missing.contains(name)) continue;
        latest.setString(1, name);
        String version = null;
        try (ResultSet r = latest.executeQuery()) {
          if (r.next()) version = r.getString(1);
        }
        if (version == null) {
          missing.add(name);
          continue;
        }
        resolved.put(name, new Resolved(name, version, next[1]));
        deps.setString(1, name);
        deps.setString(2, version);
        try (ResultSet r = deps.executeQuery()) {
          while (r.next()) todo.add(new String[] {r.getString(1), name});
        }
      }
    }
    return new Resolution(new ArrayList<>(resolved.values()), new ArrayList<>(missing));
  }

  private static boolean exists(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM packages WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }
}
