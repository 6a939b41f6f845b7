package dev.berth.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Hosts that can never be a server, at input and after resolution. Pure: nothing here touches the network. */
class HostPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "::ffff:169.254.169.254", "0.0.0.0", "0.1.2.3", "::", "255.255.255.255",
            "224.0.0.1", "ff02::1", "fe80::1", "::169.254.169.254", "64:ff9b::a9fe:a9fe", "100.100.100.200", "fd00:ec2::254",
            "metadata.google.internal", "METADATA.GOOGLE.INTERNAL.", "metadata", "instance-data.ec2.internal"})
    void neverAServer(String host) {
        assertThat(HostPolicy.refusedAtInput(host)).isNotNull();
        assertThatThrownBy(() -> HostPolicy.resolveAllowed(host, name -> new InetAddress[] {InetAddress.getByName("127.0.0.1")}))
                .isInstanceOf(ServerUnreachableException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.5", "172.16.3.4", "192.168.1.10", "127.0.0.1", "::1", "fd12:3456::1", "203.0.113.7",
            "build-1.example.com", "localhost"})
    void privateAndPublicServersStayAllowedAtInput(String host) {
        assertThat(HostPolicy.refusedAtInput(host)).isNull();
    }

    @Test
    void aNameResolvingToAMetadataAddressIsRefusedAtConnectTime() throws Exception {
        var metadata = InetAddress.getByName("169.254.169.254"); // a literal: parsed, never looked up
        assertThatThrownBy(() -> HostPolicy.resolveAllowed("innocent.example", name -> new InetAddress[] {metadata}))
                .isInstanceOf(ServerUnreachableException.class)
                .hasMessageContaining("169.254.169.254");
        // one bad address among good ones is enough to refuse
        var loopback = InetAddress.getByName("127.0.0.1");
        assertThatThrownBy(() -> HostPolicy.resolveAllowed("mixed.example", name -> new InetAddress[] {loopback, metadata}))
                .isInstanceOf(ServerUnreachableException.class);
        assertThat(HostPolicy.resolveAllowed("localhost", HostPolicy.DNS).isLoopbackAddress()).isTrue();
    }
}
