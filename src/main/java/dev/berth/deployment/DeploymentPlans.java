package dev.berth.deployment;

import dev.berth.api.Viewer;
import dev.berth.execution.Reasons;
import dev.berth.server.ServerCommands;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * planDeployment: the run's own plan. The previous containers are the ones the run would find, listed on the server
 * by the application's label (a container Berth did not record, a leftover, shows too), asked outside any
 * transaction within {@link #DEADLINE}, never as the first contact with a server; when the server cannot be asked,
 * the plan says so and works from what Berth last recorded.
 */
@Singleton
public class DeploymentPlans {
    private final DeploymentService deployments;
    private final ServerCommands servers;
    private final dev.berth.server.ServerService serverService;

    DeploymentPlans(DeploymentService deployments, ServerCommands servers, dev.berth.server.ServerService serverService) {
        this.deployments = deployments;
        this.servers = servers;
        this.serverService = serverService;
    }

    /** How long the server has to say which containers run before the plan goes on without it. */
    static final java.time.Duration DEADLINE = java.time.Duration.ofSeconds(10);

    public DeploymentService.Plan plan(Viewer viewer, UUID applicationId) {
        var inputs = deployments.planInputs(viewer, applicationId); // a short transaction of its own (planDeployment is @ownTransaction)
        var server = serverService.server(viewer, inputs.serverId());
        if (!server.local() && server.hostKeyFingerprint() == null) {
            // a plan reads: it never makes the first contact that pins a host key (validateServer does)
            return inputs.plan(inputs.recorded(), "(the server was never reached: validate it first; the previous container below is the one "
                    + "Berth last recorded)");
        }
        var listing = java.util.concurrent.CompletableFuture.supplyAsync(() -> Deployer.previous(servers.containers(viewer, inputs.serverId()),
                applicationId.toString(), DeploymentService.PLANNED.toString()), LISTING);
        try {
            return inputs.plan(listing.get(DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS), null);
        } catch (java.util.concurrent.TimeoutException e) {
            listing.cancel(true);
            return inputs.plan(inputs.recorded(), "(the server did not say within " + DEADLINE.toSeconds() + " s which containers run; "
                    + "the previous container below is the one Berth last recorded)");
        } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
            var cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            return inputs.plan(inputs.recorded(), "(the server could not be asked which containers run: " + Reasons.plain(cause)
                    + "; the previous container below is the one Berth last recorded)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listing.cancel(true);
            throw new IllegalStateException("interrupted while asking the server", e);
        }
    }

    /** The listings run here, each on a virtual thread of its own, so a server that never answers holds no pooled thread. */
    private static final java.util.concurrent.ExecutorService LISTING = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
}
