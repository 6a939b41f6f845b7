package dev.berth.runtime;

/**
 * The embedded default: real PostgreSQL and Redis servers started from binaries shipped in Maven artifacts.
 * Present only in builds with the {@code embedded} profile; the production image has no implementation.
 */
public interface EmbeddedServers {

    /** Starts PostgreSQL if it is not running yet and says how to reach it. */
    JdbcTarget postgres();

    /** Starts Redis if it is not running yet and returns its {@code redis://} URL. */
    String redisUrl();

    /** How to reach a PostgreSQL database. */
    record JdbcTarget(String url, String username, String password) {
        @Override
        public String toString() {
            return "JdbcTarget[url=" + url + ", username=" + username + ", password=***]";
        }
    }
}
