package dev.berth.deployment;

import dev.berth.application.ApplicationSettings;
import dev.berth.application.ApplicationSource;
import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a deployment deploys: the application's name, source and settings, the keys of its environment (values are
 * sealed apart, see {@code environment_sealed}), and, once known, the image it ran (for rollbacks).
 */
public record Snapshot(String name, ApplicationSource source, ApplicationSettings settings, List<String> environmentKeys,
                       Set<String> secretKeys, @Nullable String image) {
    public Snapshot {
        environmentKeys = List.copyOf(environmentKeys);
        secretKeys = Set.copyOf(secretKeys);
    }

    public Snapshot withImage(String image) {
        return new Snapshot(name, source, settings, environmentKeys, secretKeys, image);
    }

    /** The environment that goes with a snapshot: every value, secret or not (sealed when stored). */
    public record Environment(Map<String, String> values, Set<String> secret, Set<String> buildTime, Set<String> team) {
        public Environment {
            values = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(values));
            secret = Set.copyOf(secret);
            buildTime = Set.copyOf(buildTime);
            team = team == null ? Set.of() : Set.copyOf(team); // stored before the team's keys were recorded: none known
        }

        public Environment(Map<String, String> values, Set<String> secret, Set<String> buildTime) {
            this(values, secret, buildTime, Set.of());
        }

        /** The values that must never appear in a log line. */
        public List<String> secretValues() {
            return secret.stream().map(values::get).filter(v -> v != null && !v.isEmpty()).toList();
        }
    }
}
