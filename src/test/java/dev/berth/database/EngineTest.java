package dev.berth.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.secrets.Secret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engines' plans as exact output (argv, environment, ports, URLs, dump and restore commands): for the engines that
 * cannot be run here (MySQL, MongoDB, KeyDB, Dragonfly, ClickHouse) this is what is tested. For every engine, a hostile
 * password never appears in argv, a command, a URL or a container's labels; it travels in the environment only.
 */
class EngineTest {
    private static final Secret HOSTILE = new Secret("'\"$(id)\n`!;&|\\x41%");
    private static final Engine.Credentials PG = new Engine.Credentials("postgres", HOSTILE, "shop_db", 5432);

    /** A linked application's URL: any password, percent-encoded in the user info, reads back whole through a URI parser. */
    @Test
    void aPasswordInAConnectionUrlSurvivesAnyUrlParser() {
        for (var password : java.util.List.of(HOSTILE.value(), "p@ss:w/rd?#[]", "ünï cødé 🔑", "plain")) {
            for (var url : java.util.List.of("postgresql://postgres@127.0.0.1:5432/shop_db", "mongodb://root@db:27017/?authSource=admin",
                    "redis://127.0.0.1:6379", "mysql://app@10.0.0.1:3306/app")) {
                var withPassword = Engine.withPassword(url, password);
                var uri = java.net.URI.create(withPassword);
                var userInfo = uri.getRawUserInfo();
                var decoded = java.net.URLDecoder.decode(userInfo.substring(userInfo.indexOf(':') + 1).replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(decoded).as(withPassword).isEqualTo(password);
                assertThat(uri.getHost()).isEqualTo(java.net.URI.create(url).getHost());
                assertThat(withPassword).doesNotContain("\n").doesNotContain(" ");
            }
        }
        assertThat(Engine.withPassword("postgresql://postgres@h:5432/db", "a b")).isEqualTo("postgresql://postgres:a%20b@h:5432/db");
        assertThat(Engine.withPassword("redis://h:6379", "x")).isEqualTo("redis://:x@h:6379");
    }

    @Test
    void postgresql() {
        var engine = Engine.of(EngineKind.POSTGRESQL);
        assertThat(engine.defaultImage()).isEqualTo("postgres:16");
        assertThat(engine.dataPath()).isEqualTo("/var/lib/postgresql/data");
        assertThat(engine.environment(PG)).containsExactly(Map.entry("POSTGRES_USER", new Secret("postgres")), Map.entry("POSTGRES_DB", new Secret("shop_db")),
                Map.entry("PGPORT", new Secret("5432")), Map.entry("POSTGRES_PASSWORD", HOSTILE));
        assertThat(engine.command(PG)).isNull();
        assertThat(engine.probe(PG).argv()).containsExactly("pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-d", "shop_db");
        assertThat(engine.dump(PG).argv()).containsExactly("pg_dump", "-Fc", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-d", "shop_db");
        assertThat(engine.dump(PG).env()).containsExactly(Map.entry("PGPASSWORD", HOSTILE));
        assertThat(engine.restore(PG).argv()).containsExactly("pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", "--single-transaction",
                "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-d", "shop_db");
        assertThat(engine.url("berth-db-1", 5432, PG)).isEqualTo("postgresql://postgres@berth-db-1:5432/shop_db");
        var inspect = engine.inspect(PG);
        assertThat(inspect.argv().subList(0, 11)).containsExactly("psql", "-X", "-At", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-d", "shop_db");
        assertThat(inspect.argv().getLast()).contains("pg_stat_user_tables").contains("format('SELECT count(*) AS c FROM %I.%I'");
        assertThat(inspect.env()).containsExactly(Map.entry("PGPASSWORD", HOSTILE));
    }

    @Test
    void mysqlAndMariadbShareOneDefinition() {
        var c = new Engine.Credentials("app", HOSTILE, "shop", 3307);
        var mysql = Engine.of(EngineKind.MYSQL);
        assertThat(mysql.environment(c)).containsExactly(Map.entry("MYSQL_USER", new Secret("app")), Map.entry("MYSQL_DATABASE", new Secret("shop")),
                Map.entry("MYSQL_TCP_PORT", new Secret("3307")), Map.entry("MYSQL_PASSWORD", HOSTILE), Map.entry("MYSQL_ROOT_PASSWORD", HOSTILE));
        assertThat(mysql.probe(c).argv()).containsExactly("mysqladmin", "ping", "-h", "127.0.0.1", "-P", "3307", "--silent");
        assertThat(mysql.dump(c).argv()).containsExactly("mysqldump", "--single-transaction", "--routines", "--triggers", "--events",
                "-h", "127.0.0.1", "-P", "3307", "-u", "root", "--databases", "shop");
        assertThat(mysql.dump(c).env()).containsExactly(Map.entry("MYSQL_PWD", HOSTILE));
        assertThat(mysql.url("db", 3307, c)).isEqualTo("mysql://app@db:3307/shop");
        var mariadb = Engine.of(EngineKind.MARIADB);
        assertThat(mariadb.defaultImage()).isEqualTo("mariadb:11.4");
        assertThat(mariadb.environment(c)).containsKeys("MARIADB_USER", "MARIADB_DATABASE", "MARIADB_PASSWORD", "MARIADB_ROOT_PASSWORD");
        assertThat(mariadb.dump(c).argv().getFirst()).isEqualTo("mariadb-dump");
        assertThat(mariadb.restore(c).argv()).containsExactly("mariadb", "-h", "127.0.0.1", "-P", "3307", "-u", "root");
        assertThat(mariadb.inspect(c).argv().getLast()).isEqualTo(
                "SELECT CONCAT(COUNT(*), ' ', COALESCE(SUM(TABLE_ROWS), 0)) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop'");
    }

    @Test
    void mongodb() {
        var c = new Engine.Credentials("root", HOSTILE, null, 27017);
        var engine = Engine.of(EngineKind.MONGODB);
        assertThat(engine.namesDatabases()).isFalse();
        assertThat(engine.environment(c)).containsExactly(Map.entry("MONGO_INITDB_ROOT_USERNAME", new Secret("root")),
                Map.entry("MONGO_INITDB_ROOT_PASSWORD", HOSTILE));
        assertThat(engine.command(c)).containsExactly("mongod", "--bind_ip_all", "--port", "27017");
        var dump = engine.dump(c);
        assertThat(dump.argv().subList(3, dump.argv().size())).containsExactly("mongodump", "--port", "27017", "--username", "root",
                "--authenticationDatabase", "admin", "--archive", "--quiet");
        assertThat(dump.env()).containsExactly(Map.entry("BERTH_PASSWORD", HOSTILE));
        assertThat(engine.url("db", 27017, c)).isEqualTo("mongodb://root@db:27017/?authSource=admin");
    }

    /** The configuration file MongoDB's tools read the password from holds it exactly (run with a fake mongodump). */
    @Test
    void mongoToolsReadTheHostilePasswordBackFromTheirYamlConfiguration() throws Exception {
        var password = new Secret("p'\"$(id)\\n`!;&|\\x41%: #{}[]'' end");
        var dir = java.nio.file.Files.createTempDirectory("fake-mongo");
        var fake = dir.resolve("mongodump");
        // the fake tool prints the file given after --config
        java.nio.file.Files.writeString(fake, "#!/bin/sh\nwhile [ \"$1\" != --config ]; do shift; done\ncat \"$2\"\n");
        fake.toFile().setExecutable(true);
        var dump = Engine.of(EngineKind.MONGODB).dump(new Engine.Credentials("root", password, null, 27017));
        var builder = new ProcessBuilder(dump.argv()).redirectErrorStream(true);
        builder.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        dump.env().forEach((k, v) -> builder.environment().put(k, v.value()));
        var process = builder.start();
        var written = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        // a YAML single-quoted scalar: everything literal, a quote doubled
        assertThat(written).startsWith("password: '").endsWith("'\n");
        var scalar = written.substring("password: '".length(), written.length() - 2);
        assertThat(scalar.replace("''", "'")).isEqualTo(password.value());
        assertThat(scalar.replace("''", "")).doesNotContain("'");
    }

    @Test
    void redisFamily() {
        var c = new Engine.Credentials("default", HOSTILE, null, 6380);
        for (var kind : List.of(EngineKind.REDIS, EngineKind.KEYDB)) {
            var engine = Engine.of(kind);
            assertThat(engine.environment(c)).containsExactly(Map.entry("BERTH_PASSWORD", HOSTILE));
            assertThat(engine.command(c).getFirst()).isEqualTo("sh");
            assertThat(String.join(" ", engine.command(c))).contains("port 6380").contains(kind == EngineKind.REDIS ? "exec redis-server -" : "exec keydb-server -");
            assertThat(engine.probe(c).env()).containsExactly(Map.entry("REDISCLI_AUTH", HOSTILE));
            assertThat(engine.url("db", 6380, c)).isEqualTo("redis://default@db:6380");
        }
        var dragonfly = Engine.of(EngineKind.DRAGONFLY);
        assertThat(dragonfly.command(c)).isNull();
        assertThat(dragonfly.environment(c)).containsEntry("DFLY_requirepass", HOSTILE).containsEntry("DFLY_port", new Secret("6380"));
        var dump = Engine.of(EngineKind.REDIS).dump(c);
        assertThat(dump.argv().subList(3, 5)).containsExactly("redis-cli", "6380");
        assertThat(dump.argv().get(2)).contains("--rdb \"$f\"").contains("cat \"$f\"").doesNotContain(HOSTILE.value());
        assertThat(dump.env()).containsExactly(Map.entry("REDISCLI_AUTH", HOSTILE));
        assertThat(Engine.of(EngineKind.REDIS).inspect(c).argv().subList(3, 5)).containsExactly("redis-cli", "6380");
        // a restore puts the snapshot as the base of a new append-only directory and switches persistence off (Berth
        // then stops and starts the container, and the server loads it); the password only in the CLI's environment
        var restore = Engine.of(EngineKind.REDIS).restore(c);
        assertThat(restore.argv().subList(3, 6)).containsExactly("redis-cli", "6380", "redis-check-rdb");
        assertThat(restore.argv().get(2)).contains("a restore needs Redis 7").contains("appendonlydir.berth-old");
        assertThat(restore.argv().get(2)).contains("appendonly.aof.1.base.rdb").contains("type b").contains("CONFIG SET appendonly no")
                .contains(Engine.IN_PLACE).doesNotContain(HOSTILE.value());
        assertThat(restore.env()).containsExactly(Map.entry("REDISCLI_AUTH", HOSTILE));
        assertThat(Engine.of(EngineKind.REDIS).restartsToLoad()).isTrue();
        assertThat(Engine.of(EngineKind.POSTGRESQL).restartsToLoad()).isFalse();
        assertThat(Engine.of(EngineKind.MONGODB).inspect(c)).isNull();
    }

    @Test
    void clickhouse() {
        var c = new Engine.Credentials("app", HOSTILE, "events", 9000);
        var engine = Engine.of(EngineKind.CLICKHOUSE);
        assertThat(engine.listensAnywhere()).isFalse();
        assertThat(engine.environment(c)).containsEntry("CLICKHOUSE_PASSWORD", HOSTILE).containsEntry("CLICKHOUSE_DB", new Secret("events"));
        assertThat(engine.probe(c).argv()).containsExactly("clickhouse-client", "--host", "127.0.0.1", "--port", "9000", "--user", "app", "--query", "SELECT 1");
        assertThat(engine.dump(c).argv().subList(3, 7)).containsExactly("clickhouse-dump", "app", "events", "9000");
        assertThat(engine.url("db", 9000, c)).isEqualTo("clickhouse://app@db:9000/events");
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void theHostilePasswordIsNeverInArgvACommandAUrlOrALabel(EngineKind kind) {
        var engine = Engine.of(kind);
        var c = new Engine.Credentials(engine.defaultUsername(), HOSTILE, engine.namesDatabases() ? "db" : null, engine.port());
        var visible = new ArrayList<String>();
        if (engine.command(c) != null) visible.addAll(engine.command(c));
        var execs = new ArrayList<>(List.of(engine.probe(c), engine.dump(c), engine.restore(c)));
        if (engine.inspect(c) != null) execs.add(engine.inspect(c));
        for (var exec : execs) {
            visible.addAll(exec.argv());
            visible.addAll(exec.env().keySet()); // the password reaches the command as a value, under a name of its own
        }
        visible.add(engine.url("host", engine.port(), c));
        var database = new Database(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "db", kind,
                engine.defaultImage(), engine.defaultUsername(), c.database(), "sealed", 15432, null, null, Database.Desired.RUNNING,
                Database.Status.STARTING, null, Instant.now(), Instant.now());
        var spec = DatabaseContainers.spec(database, HOSTILE, "bridge");
        visible.addAll(spec.labels().values());
        if (spec.command() != null) visible.addAll(spec.command());
        for (var text : visible) {
            assertThat(text).doesNotContain(HOSTILE.value()).doesNotContain("$(id)");
        }
        assertThat(spec.env().values()).contains(HOSTILE);
    }

    @Test
    void aContainerSpecPublishesOnlyWhenAskedAndListensOnItsPublicPortOnTheHostNetwork() {
        var id = UUID.randomUUID();
        var database = new Database(id, UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "main", EngineKind.POSTGRESQL,
                "postgres:16", "postgres", "main", "sealed", null, 0.5, 256, Database.Desired.RUNNING, Database.Status.STARTING, null, Instant.now(), Instant.now());
        var bridge = DatabaseContainers.spec(database, HOSTILE, "berth");
        assertThat(bridge.name()).isEqualTo("berth-db-" + id);
        assertThat(bridge.ports()).extracting(p -> p.containerPort() + "->" + p.hostPort()).containsExactly("5432->null");
        assertThat(bridge.volumes()).extracting(m -> m.volume() + ":" + m.path()).containsExactly("berth-db-" + id + ":/var/lib/postgresql/data");
        assertThat(bridge.cpuLimit()).isEqualTo(0.5);
        assertThat(bridge.memoryLimitMiB()).isEqualTo(256);
        assertThat(bridge.labels()).containsEntry("berth.database", id.toString());
        var exposed = database.with("main", "postgres:16", 15432, 0.5, 256, Database.Desired.RUNNING, Database.Status.STARTING, null);
        assertThat(DatabaseContainers.spec(exposed, HOSTILE, "berth").ports()).extracting(p -> p.containerPort() + "->" + p.hostPort()).containsExactly("5432->15432");
        var host = DatabaseContainers.spec(exposed, HOSTILE, "host");
        assertThat(host.ports()).isEmpty();
        assertThat(host.env()).containsEntry("PGPORT", new Secret("15432"));
        // another spec, another container (its data stays in the volume)
        assertThat(host.labels().get("berth.spec")).isNotEqualTo(bridge.labels().get("berth.spec"));
        assertThat(DatabaseContainers.spec(database, new Secret("other"), "berth").labels().get("berth.spec")).isEqualTo(bridge.labels().get("berth.spec"));
    }
}
