package dev.berth.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.errors.ConflictException;
import dev.berth.errors.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostPortsTest {
    private static ApplicationSettings ports(ApplicationSettings.Port... ports) {
        var base = ApplicationSettings.defaults();
        return new ApplicationSettings(List.of(ports), null, null, base.restartPolicy(), null, null, Map.of(), List.of(), null, null, null);
    }

    @Test
    void onABridgeOnlyFixedHostPortsAreHeldOnTheHostNetworkEveryContainerPort() {
        var settings = ports(new ApplicationSettings.Port(8080, null), new ApplicationSettings.Port(81, 18081));
        assertThat(HostPorts.held(settings, false)).containsExactly(Map.entry(18081, "input.ports[1].hostPort"));
        assertThat(HostPorts.held(ports(new ApplicationSettings.Port(8080, null), new ApplicationSettings.Port(81, 81)), true))
                .containsExactly(Map.entry(8080, "input.ports[0].containerPort"), Map.entry(81, "input.ports[1].hostPort"));
    }

    @Test
    void onTheHostNetworkAHostPortOtherThanTheContainerPortIsRefused() {
        assertThatThrownBy(() -> HostPorts.held(ports(new ApplicationSettings.Port(8080, 9090)), true))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("input.ports[0].hostPort");
    }

    @Test
    void anotherApplicationsStoredSettingsAreNeverRefusedOnlyCounted() {
        // stored before the network became host: its container binds its container port there, whatever hostPort says
        var old = ports(new ApplicationSettings.Port(80, 8080));
        assertThat(HostPorts.stored(old, true)).containsOnlyKeys(80);
        var wanted = HostPorts.held(ports(new ApplicationSettings.Port(81, null)), true);
        HostPorts.refuseClashes(wanted, Map.of("old", old), s -> true); // no BAD_USER_INPUT about a field the caller never sent
        var base = ApplicationSettings.defaults();
        var checked = new ApplicationSettings(List.of(), null, new ApplicationSettings.HealthCheck("/up", 3000, 200, 1, 1, 1, 0),
                base.restartPolicy(), null, null, Map.of(), List.of(), null, null, null);
        assertThat(HostPorts.held(checked, true)).as("the health check's port is bound there too").containsEntry(3000, "input.healthCheck.port");
    }

    @Test
    void aPortAnotherApplicationHoldsIsAConflictNamingItAndTheField() {
        var wanted = HostPorts.held(ports(new ApplicationSettings.Port(3000, null)), true);
        assertThatThrownBy(() -> HostPorts.refuseClashes(wanted, Map.of("api", ports(new ApplicationSettings.Port(3000, null))), s -> true))
                .isInstanceOf(ConflictException.class).hasMessageContaining("'api'")
                .satisfies(e -> assertThat(((ConflictException) e).extensions()).containsEntry("field", "input.ports[0].containerPort"));
        HostPorts.refuseClashes(wanted, Map.of("api", ports(new ApplicationSettings.Port(3001, null))), s -> true);
        HostPorts.refuseClashes(HostPorts.held(ports(new ApplicationSettings.Port(3000, null)), false),
                Map.of("api", ports(new ApplicationSettings.Port(3000, null))), s -> false); // on a bridge, container ports are the container's own
    }
}
