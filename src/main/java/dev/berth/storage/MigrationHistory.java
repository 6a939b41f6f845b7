package dev.berth.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.berth.runtime.JarIndex;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Whether the database already holds exactly the migrations this build carries, so a start can skip Flyway (its
 * set-up, scan and validation were about half a second of every start on two cores). Only an exact match skips: every
 * bundled versioned migration recorded as applied successfully, under its file name, with Flyway's checksum of the
 * file as it is now, and nothing else recorded but Flyway's schema marker. Anything else (a new migration, a changed
 * file, a failed or unknown row, no history table, migrations found in an unexpected place) answers no, and Flyway
 * runs as it always did: it migrates, or refuses with its own validation message.
 */
public final class MigrationHistory {
    /** Where the build puts the migrations (the class path's {@code db/migration}). */
    public static final String LOCATION = "db/migration";
    private static final Pattern VERSIONED = Pattern.compile("V([0-9][0-9._]*)__.+\\.sql");
    /** A history no bundle equals (no bundled version is empty), and a bundle no history equals (no version is "?"). */
    private static final Map<String, Migration> UNMATCHABLE = Map.of("", new Migration("", "", 0));
    private static final Map<String, Migration> UNMATCHABLE_BUNDLE = Map.of("?", new Migration("?", "", 0));

    /** A versioned migration as Flyway records it: version, file name, checksum. */
    record Migration(String version, String script, int checksum) {}

    private MigrationHistory() {}

    /** Whether {@code owner} (the configured user's connection) shows every bundled migration applied, and only them. */
    static boolean upToDate(Connection owner, ClassLoader loader) {
        try {
            var bundled = bundled(loader);
            return bundled.isPresent() && !bundled.get().isEmpty() && applied(owner).equals(asMap(bundled.get()));
        } catch (IOException | SQLException | RuntimeException e) {
            return false; // Flyway decides, and says why if something is wrong
        }
    }

    /** The versioned migrations in {@link #LOCATION}; empty when they are not in one directory or one jar. */
    static Optional<List<Migration>> bundled(ClassLoader loader) throws IOException {
        var locations = Collections.list(loader.getResources(LOCATION));
        if (locations.size() != 1) return Optional.empty();
        var names = names(locations.get(0));
        if (names.isEmpty()) return Optional.empty();
        var migrations = new ArrayList<Migration>();
        for (var name : names.get()) {
            var matcher = VERSIONED.matcher(name);
            // anything else (a repeatable or Java migration, a folder, another file) is Flyway's business
            if (!matcher.matches()) return Optional.empty();
            try (var in = loader.getResourceAsStream(LOCATION + "/" + name)) {
                if (in == null) return Optional.empty();
                migrations.add(new Migration(matcher.group(1).replace('_', '.'), name, checksum(in)));
            }
        }
        return Optional.of(migrations);
    }

    /** Flyway's checksum: CRC-32 of the file's lines in UTF-8, without line ends, a byte-order mark dropped. */
    static int checksum(InputStream in) throws IOException {
        var crc = new CRC32();
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 4096)) {
            var line = reader.readLine();
            if (line != null && line.startsWith("\uFEFF")) line = line.substring(1);
            for (; line != null; line = reader.readLine()) crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }

    private static Optional<List<String>> names(URL location) throws IOException {
        try {
            return switch (location.getProtocol()) {
                case "file" -> {
                    try (var files = Files.list(Path.of(location.toURI()))) {
                        yield Optional.of(files.map(file -> file.getFileName().toString() + (Files.isDirectory(file) ? "/" : "")).sorted().toList());
                    }
                }
                case "jar" -> {
                    var spec = location.getPath(); // file:/path/berth.jar!/db/migration
                    int bang = spec.indexOf("!/");
                    if (bang < 0 || !spec.substring(bang + 2).equals(LOCATION)) yield Optional.empty();
                    var indexed = JarIndex.listing(location, LOCATION);
                    if (indexed.isPresent()) yield indexed; // the start's one pass over the jar
                    var prefix = LOCATION + "/";
                    try (var jar = new JarFile(Path.of(new URL(spec.substring(0, bang)).toURI()).toFile())) {
                        // everything under the location, folders and what they hold included
                        yield Optional.of(jar.stream().map(entry -> entry.getName())
                                .filter(name -> name.startsWith(prefix) && name.length() > prefix.length())
                                .map(name -> name.substring(prefix.length())).sorted().toList());
                    }
                }
                default -> Optional.empty();
            };
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Map<String, Migration> asMap(List<Migration> migrations) {
        var byVersion = new HashMap<String, Migration>();
        for (var migration : migrations) {
            if (byVersion.put(migration.version(), migration) != null) return UNMATCHABLE_BUNDLE; // a duplicate: Flyway refuses it
        }
        return byVersion;
    }

    /** What the history table records; a row that is not a successful versioned SQL migration makes it unmatchable. */
    private static Map<String, Migration> applied(Connection owner) throws SQLException {
        var byVersion = new HashMap<String, Migration>();
        try (var statement = owner.createStatement();
             var rows = statement.executeQuery("SELECT version, script, checksum, type, success FROM flyway_schema_history")) {
            while (rows.next()) {
                var type = rows.getString(4);
                if (type.equals("SCHEMA") && rows.getBoolean(5)) continue;
                var checksum = (Integer) rows.getObject(3);
                if (!type.equals("SQL") || !rows.getBoolean(5) || checksum == null || rows.getString(1) == null) return UNMATCHABLE;
                byVersion.put(rows.getString(1), new Migration(rows.getString(1), rows.getString(2), checksum));
            }
        }
        return byVersion;
    }
}
