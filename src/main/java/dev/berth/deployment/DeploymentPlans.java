package dev.berth.deployment;

import dev.berth.api.Viewer;
import dev.berth.execution.Reasons;
import dev.berth.server.ServerCommands;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * planDeployment: the run's own plan. The previous containers are the ones the run would find, listed on the server
 * by the application's label (a container Berth did not record, a leftover, shows too), asked outside any
 * transaction; when the server cannot be asked, the plan says so and works from what Berth last recorded.
 */
@Singleton
public class DeploymentPlans {
    private final DeploymentService deployments;
    private final ServerCommands servers;

    DeploymentPlans(DeploymentService deployments, ServerCommands servers) {
        this.deployments = deployments;
        this.servers = servers;
    }

    public DeploymentService.Plan plan(Viewer viewer, UUID applicationId) {
        var inputs = deployments.planInputs(viewer, applicationId);
        try {
            var previous = Deployer.previous(servers.containers(viewer, inputs.serverId()), applicationId.toString(),
                    DeploymentService.PLANNED.toString());
            return inputs.plan(previous, null);
        } catch (RuntimeException e) {
            return inputs.plan(inputs.recorded(), "(the server could not be asked which containers run: " + Reasons.plain(e)
                    + "; the previous container below is the one Berth last recorded)");
        }
    }
}
