package dev.berth.deployment;

import static dev.berth.api.Access.DEPLOY;
import static dev.berth.api.Access.READ;

import dev.berth.api.Access;
import dev.berth.api.AccessRules;
import jakarta.inject.Singleton;
import java.util.Map;

/** Who may resolve the fields of {@code schema/deployment.graphqls}. Deploying needs the deploy scope. */
@Singleton
final class DeploymentAccessRules implements AccessRules {
    @Override
    public Map<String, Access> rules() {
        return Map.ofEntries(
                Map.entry("Query.deployment", READ),
                Map.entry("Query.planDeployment", READ),
                Map.entry("Mutation.deployApplication", DEPLOY),
                Map.entry("Mutation.cancelDeployment", DEPLOY),
                Map.entry("Mutation.rollbackApplication", DEPLOY),
                Map.entry("Mutation.startApplication", DEPLOY),
                Map.entry("Mutation.stopApplication", DEPLOY),
                Map.entry("Mutation.restartApplication", DEPLOY),
                Map.entry("Subscription.applicationLogs", READ),
                Map.entry("ApplicationPayload.*", READ),
                Map.entry("ApplicationLogLine.*", READ),
                Map.entry("Subscription.deploymentLogs", READ),
                Map.entry("Subscription.deploymentUpdated", READ),
                Map.entry("Deployment.*", READ),
                Map.entry("ConfigurationChange.*", READ),
                Map.entry("DeploymentLogLine.*", READ),
                Map.entry("DeploymentPlanPreview.*", READ),
                Map.entry("DeploymentPayload.*", READ));
    }
}
