package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which Docker network an application joins, from its choice, its server's and BERTH_DEPLOYMENTS_NETWORK. */
class NetworkModeTest {
    @Test
    void theApplicationsChoiceWinsThenTheServersThenTheConfiguredNetwork() {
        assertThat(NetworkMode.effective(null, null, "bridge")).isEqualTo("bridge");
        assertThat(NetworkMode.effective(null, null, "host")).isEqualTo("host");
        assertThat(NetworkMode.effective(null, NetworkMode.HOST, "bridge")).isEqualTo("host");
        assertThat(NetworkMode.effective(NetworkMode.BRIDGE, NetworkMode.HOST, "bridge")).isEqualTo("bridge");
        assertThat(NetworkMode.effective(NetworkMode.HOST, NetworkMode.BRIDGE, "bridge")).isEqualTo("host");
    }

    /** An operator's own network (BERTH_DEPLOYMENTS_NETWORK=berth-apps) is what BRIDGE means, not Docker's default bridge. */
    @Test
    void bridgeIsTheOperatorsNamedNetworkWhenOneIsConfigured() {
        assertThat(NetworkMode.effective(NetworkMode.BRIDGE, null, "berth-apps")).isEqualTo("berth-apps");
        assertThat(NetworkMode.effective(null, NetworkMode.BRIDGE, "berth-apps")).isEqualTo("berth-apps");
        assertThat(NetworkMode.effective(NetworkMode.BRIDGE, null, "host")).as("no named network: Docker's").isEqualTo("bridge");
        assertThat(NetworkMode.effective(NetworkMode.HOST, null, "berth-apps")).isEqualTo("host");
        assertThat(NetworkMode.of("berth-apps")).isEqualTo(NetworkMode.BRIDGE);
    }
}
