package dev.berth.identity;

import dev.berth.runtime.ReadyGate;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

/** Makes the {@link BootstrapTeam} once the node is ready; it and Micronaut Data's runtime are built then. */
@Singleton
final class BootstrapTeamStart {
    private final ReadyGate gate;
    private final BeanProvider<BootstrapTeam> team;

    BootstrapTeamStart(ReadyGate gate, BeanProvider<BootstrapTeam> team) {
        this.gate = gate;
        this.team = team;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        gate.startAfterReady("berth-bootstrap-team", team, BootstrapTeam::settle);
    }
}
