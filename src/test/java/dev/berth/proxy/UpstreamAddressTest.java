package dev.berth.proxy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a Docker daemon answers as a container's address reaches Caddy's configuration only as an IP literal. */
class UpstreamAddressTest {
    @Test
    void onlyAnIpLiteralOffTheLoopbackOrTheServersLoopbackWithAPortOfItsOwnIsSentTo() {
        assertThatCode(() -> ProxyService.upstreamAddress("127.0.0.1", 31001)).doesNotThrowAnyException();
        assertThatCode(() -> ProxyService.upstreamAddress("172.17.0.5", null)).doesNotThrowAnyException();
        assertThatCode(() -> ProxyService.upstreamAddress("fd00::5", null)).doesNotThrowAnyException();
        // a bridge container without an address comes back as 127.0.0.1: never the server's own loopback services
        for (var address : List.of("127.0.0.1", "::1", "0.0.0.0", "::", "{http.request.header.X}", "evil.test", "1.2.3.4:80", "", "10.0.0.1 ",
                "300.1.1.1x", "localhost")) {
            assertThatThrownBy(() -> ProxyService.upstreamAddress(address, null)).as(address).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> ProxyService.upstreamAddress("172.17.0.5", 31001)).isInstanceOf(IllegalStateException.class);
    }
}
