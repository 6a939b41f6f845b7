package dev.berth.application;

import static dev.berth.api.Access.READ;
import static dev.berth.api.Access.WRITE;

import dev.berth.api.Access;
import dev.berth.api.AccessRules;
import jakarta.inject.Singleton;
import java.util.Map;

/** Who may resolve the fields of {@code schema/application.graphqls}. Secret values are never readable at all. */
@Singleton
final class ApplicationAccessRules implements AccessRules {
    @Override
    public Map<String, Access> rules() {
        return Map.ofEntries(
                Map.entry("Query.application", READ),
                Map.entry("Query.environmentVariables", READ),
                Map.entry("Mutation.createApplication", WRITE),
                Map.entry("Mutation.updateApplication", WRITE),
                Map.entry("Mutation.deleteApplication", WRITE),
                Map.entry("Mutation.setEnvironmentVariables", WRITE),
                Map.entry("Mutation.upsertEnvironmentVariables", WRITE),
                Map.entry("Mutation.deleteEnvironmentVariables", WRITE),
                Map.entry("Subscription.applicationEvents", READ),
                Map.entry("Application.*", READ),
                Map.entry("ImageSource.*", READ),
                Map.entry("GitSource.*", READ),
                Map.entry("ContainerPort.*", READ),
                Map.entry("HealthCheck.*", READ),
                Map.entry("VolumeMount.*", READ),
                Map.entry("ContainerState.*", READ),
                Map.entry("EnvironmentVariable.*", READ),
                Map.entry("ResolvedEnvironmentVariable.*", READ),
                Map.entry("ApplicationConnection.*", READ),
                Map.entry("ApplicationEdge.*", READ),
                Map.entry("ApplicationEvent.*", READ));
    }
}
