package dev.berth.deployment;

import dev.berth.api.ProjectOwned;
import dev.berth.events.ChannelEvent;
import dev.berth.events.RedisKeys;
import java.util.UUID;

/** Published on {@code berth:<team>:deployments:<application>} after a deployment's status committed. */
public record DeploymentChanged(UUID teamId, UUID projectId, UUID applicationId, UUID deploymentId, Deployment.Status status)
        implements ChannelEvent, ProjectOwned {
    static String channel(UUID teamId, UUID applicationId) {
        return RedisKeys.tenant(teamId, "deployments", applicationId);
    }

    @Override
    public String channel() {
        return channel(teamId, applicationId);
    }
}
