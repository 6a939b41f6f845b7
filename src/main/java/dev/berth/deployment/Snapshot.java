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

        /**
         * The values that must never appear in a log line; for a URL with a password in it (a linked database's), the
         * password as well, decoded (a framework printing its parsed configuration shows it bare).
         */
        public List<String> secretValues() {
            var all = new java.util.ArrayList<String>();
            for (var value : secret.stream().map(values::get).filter(v -> v != null && !v.isEmpty()).toList()) {
                all.add(value);
                var password = urlPassword(value);
                if (password != null) all.add(password);
            }
            return List.copyOf(all);
        }

        /** The decoded password of {@code scheme://user:password@...}, or null. */
        static String urlPassword(String value) {
            int scheme = value.indexOf("://");
            if (scheme < 0) return null;
            int end = value.indexOf('/', scheme + 3);
            int at = value.lastIndexOf('@', end < 0 ? value.length() : end);
            int colon = at < 0 ? -1 : value.indexOf(':', scheme + 3);
            if (at < 0 || colon < 0 || colon > at) return null;
            try {
                return java.net.URLDecoder.decode(value.substring(colon + 1, at).replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notEncoded) {
                return value.substring(colon + 1, at);
            }
        }
    }
}
