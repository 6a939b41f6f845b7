package dev.berth.execution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Berth host's Docker client is built once per socket and kept, not rebuilt (with its own pool) per call. */
class DockerEnginesTest {
    @Test
    void aLocalClientIsReusedPerSocket() {
        var engines = new DockerEngines(null);
        try {
            var first = engines.local("/tmp/berth-test-nothing-here.sock"); // building a client connects to nothing
            assertThat(engines.local("/tmp/berth-test-nothing-here.sock")).isSameAs(first);
            assertThat(engines.local("/tmp/berth-test-other.sock")).isNotSameAs(first);
        } finally {
            engines.closeAll();
        }
    }
}
