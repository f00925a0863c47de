package dev.spindle.jdbc;

import java.util.Locale;

/** The {@code db.system} value of a JDBC URL, as OpenTelemetry and Sentry name databases. */
final class DbSystem {
  private DbSystem() {}

  /**
   * {@code jdbc:postgresql://...} → {@code postgresql}, {@code jdbc:sqlserver:...} →
   * {@code mssql}; an unknown sub-protocol is returned as it is. Null for null or non-JDBC URLs.
   */
  static String fromUrl(String url) {
    if (url == null) return null;
    String u = url.toLowerCase(Locale.ROOT);
    if (!u.startsWith("jdbc:")) return null;
    u = u.substring(5);
    // wrapping drivers name the real one after themselves: jdbc:p6spy:mysql:, jdbc:tc:postgresql:
    for (String wrapper : new String[] {"p6spy:", "tc:", "log4jdbc:", "otel:"}) {
      if (u.startsWith(wrapper)) u = u.substring(wrapper.length());
    }
    int end = 0;
    while (end < u.length() && (Character.isLetterOrDigit(u.charAt(end)) || u.charAt(end) == '-')) end++;
    if (end == 0) return null;
    String sub = u.substring(0, end);
    switch (sub) {
      case "sqlserver":
      case "jtds":
        return "mssql";
      case "postgres":
      case "pgsql":
        return "postgresql";
      case "oracle":
        return "oracle";
      case "as400":
        return "db2";
      default:
        return sub;
    }
  }

  /** A fallback from {@code DatabaseMetaData.getDatabaseProductName()}: {@code "H2"} → {@code h2}. */
  static String fromProductName(String productName) {
    if (productName == null || productName.isBlank()) return null;
    String p = productName.toLowerCase(Locale.ROOT);
    if (p.contains("postgres")) return "postgresql";
    if (p.contains("microsoft sql server")) return "mssql";
    if (p.contains("mysql")) return "mysql";
    if (p.contains("mariadb")) return "mariadb";
    if (p.contains("oracle")) return "oracle";
    if (p.startsWith("db2")) return "db2";
    return p.replace(' ', '_');
  }
}
