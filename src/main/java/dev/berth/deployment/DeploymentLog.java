package dev.berth.deployment;

import dev.berth.execution.Containers;

/** Where a run writes: output lines from the server, and Berth's own step messages. */
public interface DeploymentLog extends Containers.Lines {
    void step(String text);
}
