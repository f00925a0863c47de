package dev.spindle.storage.clickhouse;

import dev.spindle.storage.Storage;
import dev.spindle.storage.StorageConfig;
import dev.spindle.storage.StorageProvider;

/**
 * {@code --storage clickhouse}: ClickHouse over HTTP. Options: {@code url} (default
 * {@code http://127.0.0.1:8123}), {@code database} ({@code spindle}), {@code cluster} (a
 * {@code remote_servers} cluster: Distributed tables sharded by trace id), {@code on-cluster}
 * ({@code true}: create the schema ON CLUSTER), {@code user} and {@code password} (else
 * {@code SPINDLE_CLICKHOUSE_USER} / {@code SPINDLE_CLICKHOUSE_PASSWORD}). Rows expire after the
 * configured retention by ClickHouse's TTL.
 */
public final class ClickHouseStorageProvider implements StorageProvider {
  @Override
  public String name() {
    return "clickhouse";
  }

  @Override
  public String description() {
    return "ClickHouse over HTTP, shared by server processes (options: url, database, cluster,"
        + " on-cluster, user, password)";
  }

  @Override
  public boolean sharedByProcesses() {
    return true;
  }

  @Override
  public Storage open(StorageConfig config) {
    String onCluster = config.option("on-cluster", "false");
    if (!onCluster.equals("true") && !onCluster.equals("false")) {
      throw new IllegalArgumentException("on-cluster: '" + onCluster + "' (expected: true or false)");
    }
    ClickHouseStorage.Builder b = ClickHouseStorage.builder(config.option("url", "http://127.0.0.1:8123"))
        .database(config.option("database", "spindle"))
        .cluster(config.option("cluster", null))
        .onCluster(Boolean.parseBoolean(onCluster))
        .ttlDays(config.retentionDays());
    String user = config.option("user", System.getenv("SPINDLE_CLICKHOUSE_USER"));
    if (user != null && !user.isEmpty()) {
      b.credentials(user, config.option("password", System.getenv("SPINDLE_CLICKHOUSE_PASSWORD")));
    }
    return b.open();
  }
}
