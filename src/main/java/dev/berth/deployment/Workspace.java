package dev.berth.deployment;

import dev.berth.execution.Duplex;

/** Where a git source becomes a build context: a work directory on the server. The seam the unit tests fake. */
interface Workspace {
    /**
     * Clones the source (with its deploy key, removed right after; over SSH only from a host with the pinned key, or
     * pinning the first one met) and checks out the ref or commit; returns the commit id.
     */
    String checkout(DeploymentPlan.Build build, DeploymentLog out);

    /** The build context as a tar stream read from the server ({@code in()}); closing it ends the stream. */
    Duplex context(DeploymentPlan.Build build);

    /** Removes the work directory, key included. */
    void cleanUp(DeploymentPlan.Build build);
}
