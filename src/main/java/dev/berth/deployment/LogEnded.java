package dev.berth.deployment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.berth.events.ChannelEvent;
import java.util.List;
import java.util.UUID;

/**
 * The end of a deployment's log when no run ends it (a deployment cancelled before it started, or ended with its
 * application): published after the commit, shaped as a {@link LogBatch} with {@code endSeq}, so its followers stop.
 */
record LogEnded(@JsonIgnore UUID teamId, UUID deploymentId, long endSeq) implements ChannelEvent {
    public List<LogLine> lines() {
        return List.of();
    }

    @Override
    @JsonIgnore
    public String channel() {
        return DeploymentLogs.channel(teamId, deploymentId);
    }
}
