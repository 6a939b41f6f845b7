package dev.berth.database;

/** The engines Berth runs (the GraphQL enum {@code DatabaseEngine}). */
public enum EngineKind {
    POSTGRESQL, MYSQL, MARIADB, MONGODB, REDIS, KEYDB, DRAGONFLY, CLICKHOUSE
}
