package dev.berth.database;

import dev.berth.secrets.Secret;
import io.micronaut.core.annotation.Nullable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Berth knows about a database engine, as data: its official image and the environment contract that image
 * documents, its port and data path, the probe run inside its container, the dump and restore commands (run inside it
 * too, the dump on stdout, the restore from stdin) and its connection URL. Credentials reach the container and every
 * command through the Engine API's {@code Env} (or a configuration read from stdin), never argv: {@link #command} and
 * every {@link Exec#argv()} hold no secret. Engines of one family (MySQL and MariaDB; Redis, KeyDB and Dragonfly) are
 * one type with their differences as fields, not copies.
 */
public sealed interface Engine permits Engine.Postgres, Engine.MySqlFamily, Engine.MongoDb, Engine.RedisFamily, Engine.ClickHouse {

    /** A command run inside the container: argv without secrets, its environment with them. */
    record Exec(List<String> argv, Map<String, Secret> env) {
        public Exec {
            argv = List.copyOf(argv);
            env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        }
    }

    /**
     * How the engine is reached inside its container: the user, its password, the database's name where the engine
     * has named databases, and the port it listens on (its default, or another on a server's host network, where
     * every database needs a port of its own).
     */
    record Credentials(String username, Secret password, @Nullable String database, int port) {}

    EngineKind kind();

    /** The official image, with its default version tag. */
    String defaultImage();

    /** The port it listens on by default. */
    int port();

    /** Where it keeps its data inside the container (the named volume's mount point). */
    String dataPath();

    /** The user a new database gets. */
    String defaultUsername();

    /** Whether the engine has named databases (a new one gets the database's name). */
    default boolean namesDatabases() {
        return true;
    }

    /** The container's environment: the official image's contract. */
    Map<String, Secret> environment(Credentials credentials);

    /** The container's command, or null for the image's own. */
    @Nullable
    default List<String> command(Credentials credentials) {
        return null;
    }

    /** Whether it can listen on a port other than its default (needed on a server's host network). */
    default boolean listensAnywhere() {
        return true;
    }

    /** Exits 0 once the engine answers (run inside the container). */
    Exec probe(Credentials credentials);

    /** Writes a dump of the database to stdout (run inside the container). */
    Exec dump(Credentials credentials);

    /** Reads a dump made by {@link #dump} from stdin into the database (run inside the container). */
    Exec restore(Credentials credentials);

    /**
     * Whether the server loads what {@link #restore} put in place only when it starts again: once the restore wrote
     * {@link #IN_PLACE} on stdout, Berth stops the container and starts it again.
     */
    default boolean restartsToLoad() {
        return false;
    }

    /** What a restore that restarts its server prints once the data is in place. */
    String IN_PLACE = "berth: restored data in place";

    /** How the dump is stored: its file extension and what makes it. */
    String dumpFormat();

    /**
     * Prints what the database holds as {@code <tables> <rows>} (rows exact where the engine counts them cheaply), or
     * null when Berth cannot inspect this engine: a verification then only says the restore ran.
     */
    @Nullable
    default Exec inspect(Credentials credentials) {
        return null;
    }

    /** The URL a client connects with: never the password. */
    String url(String host, int port, Credentials credentials);

    /**
     * {@code url} (as {@link #url} makes it: {@code scheme://[user@]host...}) with the password in its user info,
     * percent-encoded (every byte but RFC 3986's unreserved characters), so any password survives a URL parser.
     */
    static String withPassword(String url, String password) {
        int authority = url.indexOf("://") + 3;
        int end = url.indexOf('/', authority);
        int at = url.lastIndexOf('@', end < 0 ? url.length() : end);
        var encoded = new StringBuilder();
        for (byte b : password.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return at >= authority
                ? url.substring(0, at) + ":" + encoded + url.substring(at)
                : url.substring(0, authority) + ":" + encoded + "@" + url.substring(authority);
    }

    static Engine of(EngineKind kind) {
        return switch (kind) {
            case POSTGRESQL -> new Postgres();
            case MYSQL -> new MySqlFamily(kind, "mysql:8.4", "MYSQL", "mysqladmin", "mysqldump", "mysql");
            case MARIADB -> new MySqlFamily(kind, "mariadb:11.4", "MARIADB", "mariadb-admin", "mariadb-dump", "mariadb");
            case MONGODB -> new MongoDb();
            case REDIS -> new RedisFamily(kind, "redis:7.4", "redis-server", "redis-cli");
            case KEYDB -> new RedisFamily(kind, "eqalpha/keydb:x86_64_v6.3.4", "keydb-server", "keydb-cli");
            case DRAGONFLY -> new RedisFamily(kind, "docker.dragonflydb.io/dragonflydb/dragonfly:v1.25.1", "dragonfly", "redis-cli");
            case CLICKHOUSE -> new ClickHouse();
        };
    }

    private static Map<String, Secret> env(String... pairs) {
        var env = new LinkedHashMap<String, Secret>();
        for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], new Secret(pairs[i + 1]));
        return env;
    }

    /** PostgreSQL: the official image's POSTGRES_* contract; pg_dump's custom format. */
    record Postgres() implements Engine {
        @Override public EngineKind kind() { return EngineKind.POSTGRESQL; }
        @Override public String defaultImage() { return "postgres:16"; }
        @Override public int port() { return 5432; }
        @Override public String dataPath() { return "/var/lib/postgresql/data"; }
        @Override public String defaultUsername() { return "postgres"; }

        @Override
        public Map<String, Secret> environment(Credentials c) {
            var env = env("POSTGRES_USER", c.username(), "POSTGRES_DB", c.database(), "PGPORT", Integer.toString(c.port()));
            env.put("POSTGRES_PASSWORD", c.password());
            return env;
        }

        @Override
        public Exec probe(Credentials c) {
            return new Exec(List.of("pg_isready", "-q", "-h", "127.0.0.1", "-p", Integer.toString(c.port()), "-U", c.username(), "-d", c.database()), Map.of());
        }

        @Override
        public Exec dump(Credentials c) {
            return new Exec(List.of("pg_dump", "-Fc", "-h", "127.0.0.1", "-p", Integer.toString(c.port()), "-U", c.username(), "-d", c.database()), Map.of("PGPASSWORD", c.password()));
        }

        @Override
        public Exec restore(Credentials c) {
            return new Exec(List.of("pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", "--single-transaction", "-h", "127.0.0.1",
                    "-p", Integer.toString(c.port()), "-U", c.username(), "-d", c.database()), Map.of("PGPASSWORD", c.password()));
        }

        @Override public String dumpFormat() { return "pg_dump -Fc (custom format; pg_restore reads it)"; }

        @Override
        public Exec inspect(Credentials c) {
            var query = "SELECT count(*) || ' ' || coalesce(sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I',"
                    + " schemaname, relname), false, true, '')))[1]::text::bigint), 0) FROM pg_stat_user_tables";
            return new Exec(List.of("psql", "-X", "-At", "-h", "127.0.0.1", "-p", Integer.toString(c.port()), "-U", c.username(), "-d", c.database(),
                    "-c", query), Map.of("PGPASSWORD", c.password()));
        }

        @Override
        public String url(String host, int port, Credentials c) {
            return "postgresql://" + c.username() + "@" + host + ":" + port + "/" + c.database();
        }
    }

    /**
     * MySQL and MariaDB: {@code <prefix>_ROOT_PASSWORD}, {@code _USER}, {@code _PASSWORD}, {@code _DATABASE}; the
     * clients read the password from {@code MYSQL_PWD}. The probe pings without credentials (it exits 0 once the
     * server answers, even when access is denied).
     */
    record MySqlFamily(EngineKind kind, String defaultImage, String envPrefix, String admin, String dumper, String client) implements Engine {
        @Override public int port() { return 3306; }
        @Override public String dataPath() { return "/var/lib/mysql"; }
        @Override public String defaultUsername() { return "app"; }

        @Override
        public Map<String, Secret> environment(Credentials c) {
            var env = env(envPrefix + "_USER", c.username(), envPrefix + "_DATABASE", c.database(), "MYSQL_TCP_PORT", Integer.toString(c.port()));
            env.put(envPrefix + "_PASSWORD", c.password());
            env.put(envPrefix + "_ROOT_PASSWORD", c.password());
            return env;
        }

        @Override
        public Exec probe(Credentials c) {
            return new Exec(List.of(admin, "ping", "-h", "127.0.0.1", "-P", Integer.toString(c.port()), "--silent"), Map.of());
        }

        @Override
        public Exec dump(Credentials c) {
            return new Exec(List.of(dumper, "--single-transaction", "--routines", "--triggers", "--events", "-h", "127.0.0.1", "-P", Integer.toString(c.port()), "-u", "root",
                    "--databases", c.database()), Map.of("MYSQL_PWD", c.password()));
        }

        @Override
        public Exec restore(Credentials c) {
            return new Exec(List.of(client, "-h", "127.0.0.1", "-P", Integer.toString(c.port()), "-u", "root"), Map.of("MYSQL_PWD", c.password()));
        }

        @Override public String dumpFormat() { return dumper + " --single-transaction (SQL text; " + client + " reads it)"; }

        @Override
        public Exec inspect(Credentials c) {
            // the database's name is a checked identifier ([a-z0-9_]); TABLE_ROWS is InnoDB's estimate
            return new Exec(List.of(client, "-N", "-B", "-h", "127.0.0.1", "-P", Integer.toString(c.port()), "-u", "root", "-e",
                    "SELECT CONCAT(COUNT(*), ' ', COALESCE(SUM(TABLE_ROWS), 0)) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + c.database() + "'"),
                    Map.of("MYSQL_PWD", c.password()));
        }

        @Override
        public String url(String host, int port, Credentials c) {
            return "mysql://" + c.username() + "@" + host + ":" + port + "/" + c.database();
        }
    }

    /**
     * MongoDB: the MONGO_INITDB_ROOT_* contract; dumps with mongodump's archive format. The tools take the password
     * from a configuration file only, so the command writes one readable by its user alone from the environment,
     * uses it and removes it.
     */
    record MongoDb() implements Engine {
        @Override public EngineKind kind() { return EngineKind.MONGODB; }
        @Override public String defaultImage() { return "mongo:7"; }
        @Override public int port() { return 27017; }
        @Override public String dataPath() { return "/data/db"; }
        @Override public String defaultUsername() { return "root"; }
        @Override public boolean namesDatabases() { return false; }

        @Override
        public List<String> command(Credentials c) {
            return List.of("mongod", "--bind_ip_all", "--port", Integer.toString(c.port()));
        }

        @Override
        public Map<String, Secret> environment(Credentials c) {
            var env = env("MONGO_INITDB_ROOT_USERNAME", c.username());
            env.put("MONGO_INITDB_ROOT_PASSWORD", c.password());
            return env;
        }

        @Override
        public Exec probe(Credentials c) {
            return new Exec(List.of("mongosh", "--quiet", "--port", Integer.toString(c.port()), "--eval", "db.adminCommand('ping').ok"), Map.of());
        }

        private static Exec withConfig(String tool, Credentials c, String... args) {
            // the configuration file holds the password; its path and the tool's arguments hold none
            // YAML's single-quoted scalar: only a quote is special (doubled); a password holds no control characters
            var script = "umask 077; f=$(mktemp); trap 'rm -f \"$f\"' EXIT; p=$(printf '%s' \"$BERTH_PASSWORD\" | sed \"s/'/''/g\"); "
                    + "printf \"password: '%s'\\n\" \"$p\" > \"$f\"; "
                    + tool + " --config \"$f\" \"$@\"";
            var argv = new java.util.ArrayList<>(List.of("sh", "-c", script, tool, "--port", Integer.toString(c.port()), "--username", c.username(),
                    "--authenticationDatabase", "admin"));
            argv.addAll(List.of(args));
            return new Exec(argv, Map.of("BERTH_PASSWORD", c.password()));
        }

        @Override
        public Exec dump(Credentials c) {
            return withConfig("mongodump", c, "--archive", "--quiet");
        }

        @Override
        public Exec restore(Credentials c) {
            return withConfig("mongorestore", c, "--archive", "--drop", "--quiet");
        }

        @Override public String dumpFormat() { return "mongodump --archive (mongorestore --archive reads it)"; }

        @Override
        public String url(String host, int port, Credentials c) {
            return "mongodb://" + c.username() + "@" + host + ":" + port + "/?authSource=admin";
        }
    }

    /**
     * Redis, KeyDB and Dragonfly: no environment contract in their images, so the server reads its configuration
     * (the password among it) from stdin, made from the environment inside the container; the CLI takes the password
     * from {@code REDISCLI_AUTH}. The dump is the RDB snapshot; a restore replaces the data file and restarts.
     */
    record RedisFamily(EngineKind kind, String defaultImage, String server, String cli) implements Engine {
        @Override public int port() { return 6379; }
        @Override public String dataPath() { return "/data"; }
        @Override public String defaultUsername() { return "default"; }
        @Override public boolean namesDatabases() { return false; }

        @Override
        public Map<String, Secret> environment(Credentials c) {
            if (kind == EngineKind.DRAGONFLY) { // Dragonfly reads any flag from DFLY_<flag>
                var env = env("DFLY_dir", "/data", "DFLY_dbfilename", "dump", "DFLY_port", Integer.toString(c.port()));
                env.put("DFLY_requirepass", c.password());
                return env;
            }
            return Map.of("BERTH_PASSWORD", c.password());
        }

        @Override
        public List<String> command(Credentials c) {
            if (kind == EngineKind.DRAGONFLY) return null;
            // the configuration goes in on stdin; every byte of the password is written as \xHH inside quotes, which
            // the server's configuration parser reads back as the byte, so no character can end the value
            var script = "conf=$(printf '%s' \"$BERTH_PASSWORD\" | od -An -v -tx1 | tr -d ' \\n' | sed 's/../\\\\x&/g'); "
                    + "unset BERTH_PASSWORD; exec " + server + " - <<EOF\n"
                    + "requirepass \"$conf\"\nbind 0.0.0.0\nport " + c.port() + "\ndir /data\nappendonly yes\nEOF";
            return List.of("sh", "-c", script);
        }

        @Override
        public Exec probe(Credentials c) {
            return new Exec(List.of(cli, "-h", "127.0.0.1", "-p", Integer.toString(c.port()), "ping"), Map.of("REDISCLI_AUTH", c.password()));
        }

        @Override
        public Exec dump(Credentials c) {
            // to a file first: with diskless replication the server ends the snapshot with a 40-byte end mark, which the
            // CLI cuts off a file but cannot cut off a pipe (a snapshot with it loads as dump.rdb, never as the base of
            // append-only files); the script is constant, the CLI and port are its arguments
            var script = "f=/tmp/berth-snapshot-$$.rdb; trap 'rm -f \"$f\"' EXIT; trap 'exit 143' TERM INT; "
                    + "\"$0\" -h 127.0.0.1 -p \"$1\" --rdb \"$f\" >&2 || exit 1; cat \"$f\"";
            return new Exec(List.of("sh", "-c", script, cli, Integer.toString(c.port())), Map.of("REDISCLI_AUTH", c.password()));
        }

        @Override
        public Exec restore(Credentials c) {
            var checker = checker();
            // The server runs with appendonly yes, so it loads its append-only files, not dump.rdb: the snapshot becomes
            // the base of a new append-only directory (Redis 7's manifest: an RDB base loads as is). Persistence is
            // switched off first so that nothing overwrites it when Berth then stops the container; the server loads
            // the snapshot when Berth starts it again.
            var script = "set -e; r=/data/appendonlydir.berth; rm -rf \"$r\"; mkdir \"$r\"; cat > \"$r/appendonly.aof.1.base.rdb\"; "
                    // nothing is touched unless this server reads append-only directories and the snapshot loads
                    + "v=$(\"$0\" -h 127.0.0.1 -p \"$1\" INFO server | tr -d '\\r' | sed -n 's/^redis_version:\\([0-9]*\\).*/\\1/p'); "
                    + "if [ \"${v:-0}\" -lt 7 ]; then rm -rf \"$r\"; echo \"the server is Redis ${v:-?}: a restore needs Redis 7 or later\" >&2; exit 3; fi; "
                    + "if ! \"$2\" \"$r/appendonly.aof.1.base.rdb\" > /dev/null 2>&1; then rm -rf \"$r\"; echo 'the snapshot does not load (" + checker + ")' >&2; exit 4; fi; "
                    + "printf 'file appendonly.aof.1.base.rdb seq 1 type b\\n' > \"$r/appendonly.aof.manifest\"; "
                    + "\"$0\" -h 127.0.0.1 -p \"$1\" CONFIG SET appendonly no > /dev/null; \"$0\" -h 127.0.0.1 -p \"$1\" CONFIG SET save '' > /dev/null; "
                    // the data it replaces stays beside it until the server answers with the snapshot loaded
                    + "rm -rf /data/appendonlydir.berth-old; if [ -e /data/appendonlydir ]; then mv /data/appendonlydir /data/appendonlydir.berth-old; fi; "
                    + "mv \"$r\" /data/appendonlydir; echo '" + IN_PLACE + "'";
            return new Exec(List.of("sh", "-c", script, cli, Integer.toString(c.port()), checker), Map.of("REDISCLI_AUTH", c.password()));
        }

        /** The snapshot checker shipped with the server. */
        private String checker() {
            return server.replace("-server", "-check-rdb");
        }

        @Override
        public boolean restartsToLoad() {
            return true;
        }

        @Override public String dumpFormat() { return "RDB snapshot (" + cli + " --rdb)"; }

        @Override
        public Exec inspect(Credentials c) {
            // keys stand for rows; a key space has no tables
            return new Exec(List.of("sh", "-c", "n=$(\"$0\" -h 127.0.0.1 -p \"$1\" DBSIZE) && echo \"1 $n\"", cli, Integer.toString(c.port())),
                    Map.of("REDISCLI_AUTH", c.password()));
        }

        @Override
        public String url(String host, int port, Credentials c) {
            return "redis://" + c.username() + "@" + host + ":" + port;
        }
    }

    /** ClickHouse: the CLICKHOUSE_* contract; the client takes the password from CLICKHOUSE_PASSWORD. */
    record ClickHouse() implements Engine {
        @Override public EngineKind kind() { return EngineKind.CLICKHOUSE; }
        @Override public String defaultImage() { return "clickhouse/clickhouse-server:24.8"; }
        @Override public int port() { return 9000; }
        @Override public String dataPath() { return "/var/lib/clickhouse"; }
        @Override public String defaultUsername() { return "app"; }
        @Override public boolean listensAnywhere() { return false; }

        @Override
        public Map<String, Secret> environment(Credentials c) {
            var env = env("CLICKHOUSE_USER", c.username(), "CLICKHOUSE_DB", c.database(), "CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT", "1");
            env.put("CLICKHOUSE_PASSWORD", c.password());
            return env;
        }

        @Override
        public Exec probe(Credentials c) {
            return new Exec(List.of("clickhouse-client", "--host", "127.0.0.1", "--port", Integer.toString(c.port()), "--user", c.username(), "--query", "SELECT 1"),
                    Map.of("CLICKHOUSE_PASSWORD", c.password()));
        }

        @Override
        public Exec dump(Credentials c) {
            // the native backup format, written to stdout through a temporary file inside the container
            var script = "set -e; d=$(mktemp -d); trap 'rm -rf \"$d\"' EXIT; chown clickhouse \"$d\" 2>/dev/null || true; "
                    + "clickhouse-client --host 127.0.0.1 --port \"$3\" --user \"$1\" --query \"BACKUP DATABASE \\`$2\\` TO File('$d/backup.zip')\" >/dev/null; "
                    + "cat \"$d/backup.zip\"";
            return new Exec(List.of("sh", "-c", script, "clickhouse-dump", c.username(), c.database(), Integer.toString(c.port())), Map.of("CLICKHOUSE_PASSWORD", c.password()));
        }

        @Override
        public Exec restore(Credentials c) {
            var script = "set -e; d=$(mktemp -d); trap 'rm -rf \"$d\"' EXIT; chown clickhouse \"$d\" 2>/dev/null || true; cat > \"$d/backup.zip\"; "
                    + "clickhouse-client --host 127.0.0.1 --port \"$3\" --user \"$1\" --query \"RESTORE DATABASE \\`$2\\` FROM File('$d/backup.zip') SETTINGS allow_non_empty_tables=true\" >/dev/null";
            return new Exec(List.of("sh", "-c", script, "clickhouse-restore", c.username(), c.database(), Integer.toString(c.port())), Map.of("CLICKHOUSE_PASSWORD", c.password()));
        }

        @Override public String dumpFormat() { return "ClickHouse native BACKUP (zip; RESTORE reads it)"; }

        @Override
        public String url(String host, int port, Credentials c) {
            return "clickhouse://" + c.username() + "@" + host + ":" + port + "/" + c.database();
        }
    }
}
