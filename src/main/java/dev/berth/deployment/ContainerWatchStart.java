package dev.berth.deployment;

import dev.berth.runtime.ReadyGate;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;

/** Starts the {@link ContainerWatch} once the node is ready; the watch and its graph are built then, not before. */
@Singleton
@Requires(property = "berth.deployments.watch-containers", notEquals = "false")
final class ContainerWatchStart {
    private final ReadyGate gate;
    private final BeanProvider<ContainerWatch> watch;

    ContainerWatchStart(ReadyGate gate, BeanProvider<ContainerWatch> watch) {
        this.gate = gate;
        this.watch = watch;
    }

    @EventListener
    void onStartup(ServerStartupEvent event) {
        gate.startAfterReady("berth-container-watch-start", watch, ContainerWatch::start);
    }
}
