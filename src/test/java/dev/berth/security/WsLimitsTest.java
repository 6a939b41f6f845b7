package dev.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
        var script = Path.of("src/test/resources/node/ws-limits.mjs").toAbsolutePath();
        var process = new ProcessBuilder("node", script.toString())
                .redirectErrorStream(true)
                .directory(Path.of("client-examples").toFile());
        process.environment().put("NODE_MODULES", Path.of("client-examples/node_modules").toAbsolutePath().toString());
        process.environment().put("BERTH_WS", server.getURI().toString().replaceFirst("^http", "ws") + "/graphql-ws");
        process.environment().put("BERTH_TOKEN", user().accessToken());
        var running = process.start();
        assertThat(running.waitFor(90, TimeUnit.SECONDS)).isTrue();
        var output = new String(running.getInputStream().readAllBytes()).strip();
        assertThat(running.exitValue()).as(output).isZero();
        var results = new ObjectMapper().readTree(output.substring(output.lastIndexOf('\n') + 1));
        for (var probe : results) assertThat(probe.path("extensions").isNull()).as("no permessage-deflate: " + output).isTrue();
        assertThat(results.path("beforeAck").path("close").asInt()).isEqualTo(4400);
        assertThat(results.path("oneBigFrame").path("close").asInt()).isEqualTo(1009);
        assertThat(results.path("fragments").path("close").asInt()).isEqualTo(1009);
        assertThat(results.path("smallAfterAck").path("close").asInt()).isEqualTo(1000);
    }
}
