package dev.berth.project;

import static dev.berth.api.Access.READ;
import static dev.berth.api.Access.WRITE;

import dev.berth.api.Access;
import dev.berth.api.AccessRules;
import dev.berth.api.Role;
import dev.berth.api.Scope;
import jakarta.inject.Singleton;
import java.util.Map;

/** Who may resolve the fields of {@code schema/project.graphqls}. */
@Singleton
final class ProjectAccessRules implements AccessRules {
    @Override
    public Map<String, Access> rules() {
        return Map.ofEntries(
                Map.entry("Query.projects", READ),
                Map.entry("Query.project", READ),
                Map.entry("Query.environment", READ),
                Map.entry("Mutation.createProject", WRITE),
                Map.entry("Mutation.updateProject", WRITE),
                Map.entry("Mutation.deleteProject", Access.team(Role.ADMIN, Scope.WRITE)),
                Map.entry("Mutation.createEnvironment", WRITE),
                Map.entry("Mutation.renameEnvironment", WRITE),
                Map.entry("Mutation.deleteEnvironment", Access.team(Role.ADMIN, Scope.WRITE)),
                Map.entry("Subscription.projectEvents", READ),
                Map.entry("Project.*", READ),
                Map.entry("Environment.*", READ),
                Map.entry("ProjectConnection.*", READ),
                Map.entry("ProjectEdge.*", READ),
                Map.entry("ProjectEvent.*", READ));
    }
}
