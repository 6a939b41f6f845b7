package dev.berth.application;

import dev.berth.api.Role;
import dev.berth.api.Viewer;
import dev.berth.errors.ForbiddenException;
import dev.berth.errors.InvalidInputException;
import dev.berth.project.ProjectService;
import dev.berth.secrets.Secret;
import dev.berth.secrets.SecretBox;
import dev.berth.storage.InTeam;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Environment variables at team, project, environment and application scope. Secret values are sealed with the
 * secret box (bound to their scope and key) and never returned by the API; {@link #effective} opens them for the
 * deployment that passes them to Docker's {@code Env}. A change of an application's own variables is an
 * {@link ApplicationChanged} UPDATED (after commit).
 */
@Singleton
public class VariableService {
    static final int MAX_VALUE_BYTES = 64 * 1024;
    static final int MAX_PER_SCOPE = 100;
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");

    /** One scope, resolved and checked against the viewer's team and projects. */
    public record ScopeRef(EnvironmentVariable.Scope scope, UUID id, @io.micronaut.core.annotation.Nullable UUID projectId) {}

    /** A scope as the API names it: exactly one of the four (checked when read). */
    public record ScopeInput(boolean team, @io.micronaut.core.annotation.Nullable UUID projectId,
                             @io.micronaut.core.annotation.Nullable UUID environmentId, @io.micronaut.core.annotation.Nullable UUID applicationId) {
        public static ScopeInput from(String field, Map<String, Object> input) {
            var given = input.entrySet().stream().filter(e -> e.getValue() != null && !Boolean.FALSE.equals(e.getValue())).toList();
            if (given.size() != 1) throw new InvalidInputException(field, "name exactly one of team, projectId, environmentId, applicationId");
            return new ScopeInput(Boolean.TRUE.equals(input.get("team")),
                    id(field + ".projectId", input.get("projectId")), id(field + ".environmentId", input.get("environmentId")),
                    id(field + ".applicationId", input.get("applicationId")));
        }

        private static UUID id(String field, Object value) {
            return value == null ? null : dev.berth.api.Arguments.id(field, value);
        }
    }

    /** One variable of setEnvironmentVariables, checked at the edge; a null value keeps an existing secret's. */
    public record VariableInput(String key, @io.micronaut.core.annotation.Nullable String value, boolean secret, boolean buildTime) {}

    /**
     * Why a secret is never a build argument: the classic builder keeps build arguments in the image's history, and
     * the images of the last deployments are kept for rollbacks. Until builds take secrets through BuildKit's secret
     * mounts, a secret is given to the running container only.
     */
    public static final String SECRET_BUILD_ARGUMENT = "a secret cannot be a build-time variable: build arguments stay readable in the image's history"
            + " (docker history) and images are kept for rollbacks; give the build a non-secret value, or give the secret to the running container only";

    /** setEnvironmentVariables' input. */
    public record NewVariables(ScopeInput scope, List<VariableInput> variables) {
        @SuppressWarnings("unchecked")
        public static NewVariables from(Map<String, Object> input) {
            var scope = ScopeInput.from("input.scope", (Map<String, Object>) input.get("scope"));
            var given = (List<Map<String, Object>>) input.get("variables");
            if (given.size() > MAX_PER_SCOPE) throw new InvalidInputException("input.variables", "at most " + MAX_PER_SCOPE + " per scope");
            var keys = new HashSet<String>();
            var variables = new ArrayList<VariableInput>();
            for (int i = 0; i < given.size(); i++) {
                var field = "input.variables[" + i + "]";
                var item = given.get(i);
                var key = key(field + ".key", item.get("key"));
                if (!keys.add(key)) throw new InvalidInputException(field + ".key", "given twice");
                var value = value(field + ".value", (String) item.get("value"));
                boolean secret = Boolean.TRUE.equals(item.get("secret"));
                boolean buildTime = Boolean.TRUE.equals(item.get("buildTime"));
                if (secret && buildTime) throw new InvalidInputException(field + ".buildTime", SECRET_BUILD_ARGUMENT);
                variables.add(new VariableInput(key, value, secret, buildTime));
            }
            return new NewVariables(scope, variables);
        }
    }

    /** One variable of upsertEnvironmentVariables: a null value keeps an existing secret's, null flags keep the old ones. */
    public record VariableChange(String key, @io.micronaut.core.annotation.Nullable String value,
                                 @io.micronaut.core.annotation.Nullable Boolean secret, @io.micronaut.core.annotation.Nullable Boolean buildTime) {}

    /** upsertEnvironmentVariables' input. */
    public record VariableChanges(ScopeInput scope, List<VariableChange> changes) {
        @SuppressWarnings("unchecked")
        public static VariableChanges from(Map<String, Object> input) {
            var scope = ScopeInput.from("input.scope", (Map<String, Object>) input.get("scope"));
            var given = (List<Map<String, Object>>) input.get("variables");
            if (given.size() > MAX_PER_SCOPE) throw new InvalidInputException("input.variables", "at most " + MAX_PER_SCOPE + " per scope");
            var keys = new HashSet<String>();
            var changes = new ArrayList<VariableChange>();
            for (int i = 0; i < given.size(); i++) {
                var field = "input.variables[" + i + "]";
                var item = given.get(i);
                var key = key(field + ".key", item.get("key"));
                if (!keys.add(key)) throw new InvalidInputException(field + ".key", "given twice");
                changes.add(new VariableChange(key, value(field + ".value", (String) item.get("value")),
                        (Boolean) item.get("secret"), (Boolean) item.get("buildTime")));
            }
            return new VariableChanges(scope, changes);
        }
    }

    /** deleteEnvironmentVariables' input. */
    public record DeletedVariables(ScopeInput scope, List<String> keys) {
        @SuppressWarnings("unchecked")
        public static DeletedVariables from(Map<String, Object> input) {
            var scope = ScopeInput.from("input.scope", (Map<String, Object>) input.get("scope"));
            var given = (List<Object>) input.get("keys");
            if (given.size() > MAX_PER_SCOPE) throw new InvalidInputException("input.keys", "at most " + MAX_PER_SCOPE + " per scope");
            var keys = new ArrayList<String>();
            for (int i = 0; i < given.size(); i++) keys.add(key("input.keys[" + i + "]", given.get(i)));
            return new DeletedVariables(scope, List.copyOf(new java.util.LinkedHashSet<>(keys)));
        }
    }

    private static String key(String field, Object given) {
        var key = given instanceof String k ? k : "";
        if (!KEY.matcher(key).matches()) throw new InvalidInputException(field, "use [A-Za-z_][A-Za-z0-9_]*, at most 256 characters");
        return key;
    }

    private static String value(String field, String value) {
        if (value != null && value.indexOf('\0') >= 0) throw new InvalidInputException(field, "must not contain NUL");
        if (value != null && value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) throw new InvalidInputException(field, "at most 64 KiB");
        return value;
    }

    private final VariableRows rows;
    private final SecretBox box;
    private final ProjectService projects;
    private final ApplicationService applications;
    private final ApplicationEventPublisher<ApplicationChanged> changes;

    VariableService(VariableRows rows, SecretBox box, ProjectService projects, ApplicationService applications,
                    ApplicationEventPublisher<ApplicationChanged> changes) {
        this.rows = rows;
        this.box = box;
        this.projects = projects;
        this.applications = applications;
        this.changes = changes;
    }

    /** The variables of one scope, as the API shows them. */
    @InTeam(readOnly = true)
    public List<EnvironmentVariable> of(Viewer viewer, ScopeInput scopeInput) {
        var scope = scope(viewer, scopeInput, false);
        return rows.of(viewer.teamId(), List.of(scope.id())).stream().map(VariableService::shown).toList();
    }

    /**
     * Each application's own variables, as the API shows them, in one statement for any number of applications: for
     * applications the caller has shown the viewer may see (their team is the viewer's; a token's project limit is
     * the caller's to apply).
     */
    @InTeam(readOnly = true)
    public Map<UUID, List<EnvironmentVariable>> ofApplications(Viewer viewer, java.util.Collection<UUID> applicationIds) {
        var byApplication = new HashMap<UUID, List<EnvironmentVariable>>();
        applicationIds.forEach(id -> byApplication.put(id, new ArrayList<>()));
        for (var row : rows.of(viewer.teamId(), List.copyOf(applicationIds))) {
            var own = byApplication.get(row.scopeId());
            if (own != null) own.add(shown(row));
        }
        return byApplication;
    }

    /** Replaces a scope's variables atomically; a secret given without a value keeps its sealed value. */
    @InTeam
    public List<EnvironmentVariable> set(Viewer viewer, NewVariables input) {
        var scope = scope(viewer, input.scope(), true);
        rows.lock(scope.id());
        var old = rows.of(viewer.teamId(), List.of(scope.id()));
        var existing = new HashMap<String, VariableRows.Row>();
        old.forEach(row -> existing.put(row.key(), row));
        var replacement = new ArrayList<VariableRows.Row>();
        for (int i = 0; i < input.variables().size(); i++) {
            var item = input.variables().get(i);
            if (item.value() == null) {
                var kept = existing.get(item.key());
                if (!item.secret() || kept == null || !kept.secret()) {
                    throw new InvalidInputException("input.variables[" + i + "].value", "required (only an existing secret may keep its value)");
                }
                replacement.add(new VariableRows.Row(scope.scope(), scope.id(), item.key(), null, kept.sealed(), true, item.buildTime()));
            } else if (item.secret()) {
                replacement.add(new VariableRows.Row(scope.scope(), scope.id(), item.key(), null,
                        box.seal(new Secret(item.value()), context(scope.id(), item.key())), true, item.buildTime()));
            } else {
                replacement.add(new VariableRows.Row(scope.scope(), scope.id(), item.key(), item.value(), null, false, item.buildTime()));
            }
        }
        return write(viewer, scope, old, replacement);
    }

    /**
     * Creates or replaces the given variables of a scope and leaves its others as they are. A variable given without a
     * value keeps an existing secret's sealed value (an empty string is a value); omitted {@code secret} and
     * {@code buildTime} keep what the variable had (false for a new one).
     */
    @InTeam
    public List<EnvironmentVariable> upsert(Viewer viewer, VariableChanges input) {
        var scope = scope(viewer, input.scope(), true);
        rows.lock(scope.id());
        var old = rows.of(viewer.teamId(), List.of(scope.id()));
        var result = new java.util.LinkedHashMap<String, VariableRows.Row>();
        old.forEach(row -> result.put(row.key(), row));
        for (int i = 0; i < input.changes().size(); i++) {
            var change = input.changes().get(i);
            var field = "input.variables[" + i + "]";
            var kept = result.get(change.key());
            boolean secret = change.secret() != null ? change.secret() : kept != null && kept.secret();
            boolean buildTime = change.buildTime() != null ? change.buildTime() : kept != null && kept.buildTime();
            if (secret && buildTime) throw new InvalidInputException(field + ".buildTime", SECRET_BUILD_ARGUMENT);
            VariableRows.Row row;
            if (change.value() == null) {
                if (!secret || kept == null || !kept.secret()) {
                    throw new InvalidInputException(field + ".value", "required (only an existing secret may keep its value)");
                }
                row = new VariableRows.Row(scope.scope(), scope.id(), change.key(), null, kept.sealed(), true, buildTime);
            } else if (secret) {
                row = new VariableRows.Row(scope.scope(), scope.id(), change.key(), null,
                        box.seal(new Secret(change.value()), context(scope.id(), change.key())), true, buildTime);
            } else {
                row = new VariableRows.Row(scope.scope(), scope.id(), change.key(), change.value(), null, false, buildTime);
            }
            result.put(change.key(), row);
        }
        if (result.size() > MAX_PER_SCOPE) throw new InvalidInputException("input.variables", "at most " + MAX_PER_SCOPE + " per scope");
        return write(viewer, scope, old, new ArrayList<>(result.values()));
    }

    /** The scope's variables after a deletion, and the keys that were there to delete. */
    public record Deletion(List<String> deletedKeys, List<EnvironmentVariable> variables) {}

    /** Removes the given keys from a scope (keys it does not have are left out of {@code deletedKeys}). */
    @InTeam
    public Deletion delete(Viewer viewer, DeletedVariables input) {
        var scope = scope(viewer, input.scope(), true);
        rows.lock(scope.id());
        var old = rows.of(viewer.teamId(), List.of(scope.id()));
        var doomed = new HashSet<>(input.keys());
        var deleted = old.stream().map(VariableRows.Row::key).filter(doomed::contains).toList();
        var kept = old.stream().filter(row -> !doomed.contains(row.key())).toList();
        return new Deletion(deleted, write(viewer, scope, old, kept));
    }

    /** Writes a scope's new set (only changed rows), an application's change being an applicationEvents UPDATED. */
    private List<EnvironmentVariable> write(Viewer viewer, ScopeRef scope, List<VariableRows.Row> old, List<VariableRows.Row> replacement) {
        boolean changed = rows.replace(viewer.teamId(), scope.scope(), scope.id(), old, replacement);
        if (changed && scope.scope() == EnvironmentVariable.Scope.APPLICATION) {
            changes.publishEvent(new ApplicationChanged(ApplicationChanged.Kind.UPDATED, viewer.teamId(), scope.projectId(), scope.id(), Instant.now()));
        }
        return replacement.stream().map(VariableService::shown).toList();
    }

    /**
     * What an application's container gets: team, project, environment and application variables, the most
     * specific scope winning, with secrets opened. In the caller's transaction.
     */
    public List<EnvironmentVariable> effective(Viewer viewer, Application application) {
        var chain = List.of(viewer.teamId(), application.projectId(), application.environmentId(), application.id());
        var merged = new java.util.TreeMap<String, VariableRows.Row>();
        rows.of(viewer.teamId(), chain).stream()
                .sorted(java.util.Comparator.comparingInt(row -> row.scope().ordinal()))
                .forEach(row -> merged.put(row.key(), row));
        return merged.values().stream().map(row -> row.secret()
                ? new EnvironmentVariable(row.key(), null, true, row.buildTime(), row.scope(), box.open(row.sealed(), context(row.scopeId(), row.key())))
                : new EnvironmentVariable(row.key(), row.value(), false, row.buildTime(), row.scope(), null)).toList();
    }

    /** {@link #effective} in a read transaction of its own, values hidden: what the API shows. */
    @InTeam(readOnly = true)
    public List<EnvironmentVariable> effectiveShown(Viewer viewer, UUID applicationId) {
        return effective(viewer, applications.load(viewer, applicationId)).stream()
                .filter(v -> VariableReach.reaches(viewer, v.scope())).map(EnvironmentVariable::shown).toList();
    }

    /** A variable as the API shows it: a secret's value never. */
    static EnvironmentVariable shown(VariableRows.Row row) {
        return new EnvironmentVariable(row.key(), row.secret() ? null : row.value(), row.secret(), row.buildTime(), row.scope(), null);
    }

    private ScopeRef scope(Viewer viewer, ScopeInput input, boolean writing) {
        if (input.team()) {
            if (!VariableReach.reaches(viewer, EnvironmentVariable.Scope.TEAM)) {
                throw new ForbiddenException("This token is limited to some projects; the team scope is beyond it.");
            }
            if (writing && !viewer.role().atLeast(Role.ADMIN)) throw new ForbiddenException("The team's variables need the ADMIN role or higher.");
            return new ScopeRef(EnvironmentVariable.Scope.TEAM, viewer.teamId(), null);
        }
        if (input.projectId() != null) {
            var project = projects.get(viewer, input.projectId());
            return new ScopeRef(EnvironmentVariable.Scope.PROJECT, project.id(), project.id());
        }
        if (input.environmentId() != null) {
            var environment = projects.environment(viewer, input.environmentId());
            return new ScopeRef(EnvironmentVariable.Scope.ENVIRONMENT, environment.id(), environment.projectId());
        }
        var application = applications.load(viewer, input.applicationId());
        return new ScopeRef(EnvironmentVariable.Scope.APPLICATION, application.id(), application.projectId());
    }

    private static String context(UUID scopeId, String key) {
        return "environment_variables:" + scopeId + ":" + key;
    }
}
