package dev.berth.backup;

import dev.berth.api.Arguments;
import dev.berth.api.Viewer;
import dev.berth.api.WiringContribution;
import dev.berth.database.Database;
import dev.berth.database.DatabaseService;
import dev.berth.errors.InvalidInputException;
import dev.berth.secrets.Secret;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Fetchers of {@code schema/backup.graphqls}. */
@Singleton
final class BackupWiring implements WiringContribution {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*)?");
    private static final Pattern ACCESS_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");

    private final BackupService backups;
    private final DatabaseService databases;
    private final dev.berth.server.ServerService servers;
    private final BackupImports imports;

    BackupWiring(BackupService backups, DatabaseService databases, dev.berth.server.ServerService servers, BackupImports imports) {
        this.imports = imports;
        this.servers = servers;
        this.backups = backups;
        this.databases = databases;
    }

    @Override
    public void contribute(RuntimeWiring.Builder wiring) {
        wiring.type("Query", t -> t
                .dataFetcher("backupDestinations", env -> backups.destinations(Viewer.from(env)))
                .dataFetcher("backup", env -> backups.get(Viewer.from(env), Arguments.id("id", env.getArgument("id")))));
        wiring.type("Mutation", t -> t
                .dataFetcher("createBackupDestination", env -> Map.of("backupDestination", backups.create(Viewer.from(env), destination(Arguments.input(env)))))
                .dataFetcher("deleteBackupDestination", env -> Map.of("deletedBackupDestinationId",
                        backups.deleteDestination(Viewer.from(env), Arguments.id("input.id", Arguments.input(env).get("id")))))
                .dataFetcher("testBackupDestination", env -> {
                    var result = backups.test(Viewer.from(env), Arguments.id("input.id", Arguments.input(env).get("id")));
                    var answer = new HashMap<String, Object>();
                    answer.put("ok", result.ok());
                    answer.put("failedStep", result.failedStep());
                    answer.put("reason", result.reason());
                    return answer;
                })
                .dataFetcher("backupDatabase", env -> Map.of("backup", backups.backup(Viewer.from(env),
                        Arguments.id("input.databaseId", Arguments.input(env).get("databaseId")),
                        Arguments.id("input.destinationId", Arguments.input(env).get("destinationId")),
                        Boolean.TRUE.equals(Arguments.input(env).get("verify")))))
                .dataFetcher("importBackup", env -> {
                    var input = Arguments.input(env);
                    if (!(input.get("sizeBytes") instanceof Number size) || size.doubleValue() != Math.rint(size.doubleValue())) {
                        throw new InvalidInputException("input.sizeBytes", "a whole number of bytes");
                    }
                    var started = imports.create(Viewer.from(env), Arguments.id("input.databaseId", input.get("databaseId")),
                            Arguments.id("input.destinationId", input.get("destinationId")), size.longValue(), Boolean.TRUE.equals(input.get("verify")));
                    return Map.of("backup", started.backup(), "uploadPath", started.uploadPath(), "uploadToken", started.uploadToken());
                })
                .dataFetcher("createBackupSchedule", env -> Map.of("backupSchedule", backups.schedule(Viewer.from(env), schedule(Arguments.input(env)))))
                .dataFetcher("deleteBackupSchedule", env -> Map.of("deletedBackupScheduleId",
                        backups.deleteSchedule(Viewer.from(env), Arguments.id("input.id", Arguments.input(env).get("id")))))
                .dataFetcher("verifyBackup", env -> Map.of("backup", backups.verify(Viewer.from(env), Arguments.id("input.backupId", Arguments.input(env).get("backupId")))))
                .dataFetcher("restoreBackup", env -> Map.of("backup", backups.restore(Viewer.from(env),
                        Arguments.id("input.backupId", Arguments.input(env).get("backupId")),
                        Arguments.input(env).get("targetDatabaseId") == null ? null : Arguments.id("input.targetDatabaseId", Arguments.input(env).get("targetDatabaseId")),
                        String.valueOf(Arguments.input(env).get("confirmDatabaseName"))))));
        wiring.type("Database", t -> t
                .dataFetcher("backups", env -> backups.backupsOf(Viewer.from(env), env.<Database>getSource().id(), Arguments.intOr(env, "first", 20)))
                .dataFetcher("backupSchedules", env -> backups.schedulesOf(Viewer.from(env), env.<Database>getSource().id())));
        wiring.type("BackupSchedule", t -> t
                .dataFetcher("database", env -> databases.get(Viewer.from(env), env.<BackupSchedule>getSource().databaseId()))
                .dataFetcher("destination", env -> backups.destination(Viewer.from(env), env.<BackupSchedule>getSource().destinationId()))
                .dataFetcher("retention", env -> {
                    var retention = new HashMap<String, Object>();
                    retention.put("count", env.<BackupSchedule>getSource().retainCount());
                    retention.put("maxAgeDays", env.<BackupSchedule>getSource().retainDays());
                    return retention;
                })
                .dataFetcher("nextRunAt", env -> env.<BackupSchedule>getSource().nextAfter(java.time.Instant.now())));
        wiring.type("Backup", t -> t
                .dataFetcher("database", env -> databases.get(Viewer.from(env), source(env).databaseId()))
                .dataFetcher("destination", env -> source(env).destinationId() == null ? null
                        : backups.findDestination(Viewer.from(env), source(env).destinationId()).orElse(null))
                .dataFetcher("sizeBytes", env -> source(env).sizeBytes() == null ? null : source(env).sizeBytes().doubleValue())
                .dataFetcher("logs", env -> {
                    int first = Arguments.intOr(env, "first", 100);
                    int after = Arguments.intOr(env, "after", 0);
                    if (first < 1 || first > 1000) throw new InvalidInputException("first", "must be between 1 and 1000");
                    return backups.logs(Viewer.from(env), source(env).id(), Math.max(0, after), first);
                }));
        wiring.type("Subscription", t -> t
                .dataFetcher("backupLogs", env -> {
                    int after = Arguments.intOr(env, "afterSeq", 0);
                    if (after < 0) throw new InvalidInputException("afterSeq", "must be 0 or more");
                    return dev.berth.api.EventPositions.track(env, backups.follow(Viewer.from(env), Arguments.id("backupId", env.getArgument("backupId")), after),
                            dev.berth.deployment.LogLine::seq);
                }));
        wiring.type("BackupDestination", t -> t
                .dataFetcher("server", env -> env.<BackupDestination>getSource().serverId() == null ? null
                        : servers.server(Viewer.from(env), env.<BackupDestination>getSource().serverId())));
    }

    private static Backup source(DataFetchingEnvironment env) {
        return env.getSource();
    }

    static BackupService.NewSchedule schedule(Map<String, Object> input) {
        var cron = input.get("cron") instanceof String c ? c : "";
        var zone = input.get("timeZone") instanceof String z ? z : "UTC";
        Integer count = null;
        Integer days = null;
        if (input.get("retention") instanceof Map<?, ?> retention) {
            count = bounded(retention.get("count"), "input.retention.count", 1, 1000);
            days = bounded(retention.get("maxAgeDays"), "input.retention.maxAgeDays", 1, 3650);
        }
        return new BackupService.NewSchedule(Arguments.id("input.databaseId", input.get("databaseId")), Arguments.id("input.destinationId", input.get("destinationId")),
                cron, zone, count, days, Boolean.TRUE.equals(input.get("verify")));
    }

    private static Integer bounded(Object value, String field, int min, int max) {
        if (value == null) return null;
        if (!(value instanceof Integer n) || n < min || n > max) throw new InvalidInputException(field, min + " to " + max);
        return n;
    }

    /** An absolute, normalised directory of letters, digits and {@code ._-}, not the root nor under /proc, /sys or /dev. */
    private static final Pattern DIRECTORY = Pattern.compile("(/[A-Za-z0-9._-]+)+");
    private static final java.util.List<String> S3_FIELDS = java.util.List.of("endpoint", "region", "bucket", "accessKey", "secretKey", "pathPrefix", "pathStyle");

    static BackupService.NewDestination destination(Map<String, Object> input) {
        var name = text(input, "name", NAME, "1 to 63 letters, digits, spaces, '.', '_' or '-'");
        if (input.get("serverId") != null || input.get("directory") != null) {
            for (var field : S3_FIELDS) {
                if (input.get(field) != null && !(field.equals("pathPrefix") && "".equals(input.get(field)))
                        && !(field.equals("pathStyle") && Boolean.FALSE.equals(input.get(field)))) {
                    throw new InvalidInputException("input." + field, "a server directory takes serverId and directory only");
                }
            }
            var serverId = Arguments.id("input.serverId", input.get("serverId"));
            return new BackupService.NewServerDirectory(name, serverId, directory(input.get("directory")));
        }
        var endpoint = endpoint(input.get("endpoint"));
        var region = text(input, "region", REGION, "lowercase letters, digits and '-'");
        var bucket = text(input, "bucket", BUCKET, "3 to 63 lowercase letters, digits, '.' and '-'");
        var prefix = input.get("pathPrefix") == null ? "" : text(input, "pathPrefix", PREFIX, "letters, digits, '._-' separated by '/'");
        var accessKey = text(input, "accessKey", ACCESS_KEY, "1 to 128 printable characters without spaces");
        var secret = input.get("secretKey") instanceof String s ? s : "";
        if (secret.isEmpty() || secret.length() > 256) throw new InvalidInputException("input.secretKey", "1 to 256 characters");
        return new BackupService.NewS3(name, endpoint, region, bucket, prefix, Boolean.TRUE.equals(input.get("pathStyle")), accessKey, new Secret(secret));
    }

    static String directory(Object value) {
        var rule = "an absolute directory of letters, digits and '._-' (no '.' or '..' segment, no trailing '/'), not under /proc, /sys or /dev";
        if (!(value instanceof String path) || path.length() > 255 || !DIRECTORY.matcher(path).matches()) throw new InvalidInputException("input.directory", rule);
        for (var segment : path.substring(1).split("/")) {
            if (segment.equals(".") || segment.equals("..")) throw new InvalidInputException("input.directory", rule);
        }
        var top = path.split("/")[1];
        if (top.equals("proc") || top.equals("sys") || top.equals("dev")) throw new InvalidInputException("input.directory", rule);
        return path;
    }

    private static String text(Map<String, Object> input, String field, Pattern pattern, String rule) {
        if (!(input.get(field) instanceof String value) || !pattern.matcher(value).matches()) throw new InvalidInputException("input." + field, rule);
        return value;
    }

    /** {@code http(s)://host[:port][/path]}: no credentials, query or fragment in it. */
    static String endpoint(Object value) {
        try {
            if (!(value instanceof String text) || text.length() > 512) throw new IllegalArgumentException();
            var uri = new URI(text);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null || uri.getRawUserInfo() != null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException();
            }
            if (linkLocal(uri.getHost())) {
                throw new InvalidInputException("input.endpoint", "a link-local or unspecified address (a cloud's metadata service) is not a backup destination");
            }
            return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new InvalidInputException("input.endpoint", "an http(s)://host[:port] URL without credentials, query or fragment");
        }
    }

    /** Whether the host is, or resolves to, a link-local (169.254.0.0/16, fe80::/10) or unspecified address. */
    static boolean linkLocal(String host) {
        try {
            var bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            for (var address : java.net.InetAddress.getAllByName(bare)) {
                if (address.isLinkLocalAddress() || address.isAnyLocalAddress()) return true;
            }
            return false;
        } catch (java.net.UnknownHostException unknown) {
            return false; // not resolvable here now: its test says so
        }
    }
}
