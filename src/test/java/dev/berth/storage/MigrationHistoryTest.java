package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.StringResource;
import org.junit.jupiter.api.Test;

/**
 * A start skips Flyway only when the database holds exactly this build's migrations ({@link MigrationHistory}): the
 * checksums are Flyway's own, for every migration and for the files Flyway reads specially, and every way a history
 * can differ (a migration to apply, a changed file, a failed, unknown or extra row, no table) lets Flyway run.
 */
@MicronautTest(transactional = false)
class MigrationHistoryTest extends BerthTestBase {
    private Connection owner() throws SQLException {
        var settings = getProperties();
        return DriverManager.getConnection(settings.get("berth.database.url"), settings.get("berth.database.username"),
                settings.get("berth.database.password"));
    }

    @Test
    void theChecksumIsFlywaysForEveryKindOfFile() throws Exception {
        for (var text : List.of("", "SELECT 1;", "SELECT 1;\n", "\uFEFFSELECT 1;\nSELECT 2;", "a\r\nb\r\n\r\n", "a\rb", "-- é ü 😀\nSELECT 'x';\n\n\n",
                "line\n\uFEFFsecond")) {
            int ours = MigrationHistory.checksum(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            assertThat(ours).as("checksum of %s", text.replace("\n", "\\n").replace("\r", "\\r"))
                    .isEqualTo(ChecksumCalculator.calculate(new StringResource(text)));
        }
    }

    @Test
    void everyBundledMigrationIsRecordedWithTheSameChecksum() throws Exception {
        var bundled = MigrationHistory.bundled(getClass().getClassLoader()).orElseThrow();
        var recorded = new HashMap<String, String>();
        try (var connection = owner(); var rows = connection.createStatement().executeQuery(
                "SELECT version, script, checksum FROM flyway_schema_history WHERE type = 'SQL'")) {
            while (rows.next()) recorded.put(rows.getString(1), rows.getString(2) + ":" + rows.getInt(3));
        }
        assertThat(bundled).hasSizeGreaterThan(30).hasSize(recorded.size());
        for (var migration : bundled) {
            assertThat(recorded.get(migration.version())).as(migration.script()).isEqualTo(migration.script() + ":" + migration.checksum());
        }
        try (var connection = owner()) {
            assertThat(MigrationHistory.upToDate(connection, getClass().getClassLoader())).isTrue();
        }
    }

    /** The history copied into a schema of its own, changed, and read through that schema. */
    private boolean upToDateAfter(String change) throws SQLException {
        try (var connection = owner(); var statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS history_check CASCADE");
            statement.execute("CREATE SCHEMA history_check");
            statement.execute("CREATE TABLE history_check.flyway_schema_history AS SELECT * FROM public.flyway_schema_history");
            if (!change.isEmpty()) statement.execute(change.replace("HISTORY", "history_check.flyway_schema_history"));
            statement.execute("SET search_path TO history_check");
            try {
                return MigrationHistory.upToDate(connection, getClass().getClassLoader());
            } finally {
                statement.execute("RESET search_path");
                statement.execute("DROP SCHEMA history_check CASCADE");
            }
        }
    }

    @Test
    void onlyAnExactHistorySkipsFlyway() throws SQLException {
        assertThat(upToDateAfter("")).as("unchanged").isTrue();
        assertThat(upToDateAfter("INSERT INTO HISTORY (installed_rank, version, description, type, script, installed_by, success) "
                + "VALUES (0, NULL, '<< Flyway Schema Creation >>', 'SCHEMA', '\"public\"', 'x', true)")).as("a schema marker").isTrue();
        Map<String, String> changes = Map.of(
                "a migration still to apply", "DELETE FROM HISTORY WHERE installed_rank = (SELECT max(installed_rank) FROM HISTORY)",
                "a changed file", "UPDATE HISTORY SET checksum = checksum + 1 WHERE installed_rank = 3",
                "a file renamed", "UPDATE HISTORY SET script = 'V0003__other.sql' WHERE installed_rank = 3",
                "a failed migration", "UPDATE HISTORY SET success = false WHERE installed_rank = (SELECT max(installed_rank) FROM HISTORY)",
                "a version this build does not carry", "INSERT INTO HISTORY (installed_rank, version, description, type, script, checksum, installed_by, success) "
                        + "VALUES (9999, '9999', 'later', 'SQL', 'V9999__later.sql', 1, 'x', true)",
                "a baseline", "INSERT INTO HISTORY (installed_rank, version, description, type, script, installed_by, success) "
                        + "VALUES (9999, '0', 'base', 'BASELINE', 'base', 'x', true)",
                "no checksum", "UPDATE HISTORY SET checksum = NULL WHERE installed_rank = 2",
                "no history at all", "DROP TABLE HISTORY");
        changes.forEach((what, change) -> {
            try {
                assertThat(upToDateAfter(change)).as(what).isFalse();
            } catch (SQLException e) {
                throw new AssertionError(what, e);
            }
        });
    }

    @Test
    void aDatabaseThatCannotBeAskedLetsFlywayRun() throws SQLException {
        var connection = owner();
        connection.close();
        assertThat(MigrationHistory.upToDate(connection, getClass().getClassLoader())).isFalse();
    }
}
