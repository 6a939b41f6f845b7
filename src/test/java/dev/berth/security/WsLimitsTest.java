package dev.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.NodeScripts;
import java.util.Map;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;

/**
 * /graphql-ws against the Node `ws` client, which negotiates permessage-deflate when a server accepts it: the
 * server refuses compression, closes with 4400 on a large message before connection_ack, and with 1009 on a
 * message over 1 MiB, whether sent as one frame or as many small continuation frames.
 */
@MicronautTest
class WsLimitsTest extends BerthTestBase {

    @Test
    void compressionIsRefusedAndMessagesAreBoundedBeforeAndAfterAck() throws Exception {
        var results = NodeScripts.run("ws-limits.mjs", Map.of(
                "BERTH_WS", server.getURI().toString().replaceFirst("^http", "ws") + "/graphql-ws", "BERTH_TOKEN", user().accessToken()), 90);
        var output = results.toString();
        for (var probe : results) assertThat(probe.path("extensions").isNull()).as("no permessage-deflate: " + output).isTrue();
        assertThat(results.path("beforeAck").path("close").asInt()).isEqualTo(4400);
        assertThat(results.path("oneBigFrame").path("close").asInt()).isEqualTo(1009);
        assertThat(results.path("fragments").path("close").asInt()).isEqualTo(1009);
        assertThat(results.path("smallAfterAck").path("close").asInt()).isEqualTo(1000);
    }
}
