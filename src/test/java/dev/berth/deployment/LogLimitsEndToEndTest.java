package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.TestDocker;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a build prints arrives as text within the documented limits: a line longer than 8,192 characters is cut and
 * says so, lines beyond a deployment's limit are counted in one last line, NUL and invalid UTF-8 become U+FFFD, ANSI
 * escapes arrive as they are.
 */
@dev.berth.testing.RealDaemons
@MicronautTest(transactional = false)
class LogLimitsEndToEndTest extends DeploymentTestBase {
    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.deployments.network", "host", "berth.deployments.max-log-lines", "150");
    }

    @Test
    void longLinesAreCutExtraLinesCountedAndOddBytesArriveAsText() throws Exception {
        var url = repository(Map.of("Dockerfile", "FROM " + TestDocker.IMAGE + "\n"
                + "RUN i=0; s=x; while [ $i -lt 14 ]; do s=$s$s; i=$((i+1)); done; echo long-$s\n"   // 16,384 x
                + "RUN printf 'ansi \\033[31mred\\033[0m nul \\000 bad \\377 end\\n'\n"
                + "RUN i=0; while [ $i -lt 300 ]; do echo many $i; i=$((i+1)); done\n"
                + "CMD [\"/bin/sleep\", \"3600\"]\n"));
        var app = create(application("limits", Map.of("git", Map.of("repository", url, "deployKeyId", deployKeyId))));
        var id = deploy(app);
        var lines = follow(id, 0);
        assertThat(deployment(id).path("status").asText()).isEqualTo("SUCCEEDED");
        var texts = lines.stream().map(l -> l.path("text").asText()).toList();
        var longLine = texts.stream().filter(t -> t.startsWith("long-")).findFirst().orElseThrow();
        assertThat(longLine).hasSize(8192 + " [line cut at 8192 characters]".length()).endsWith(" [line cut at 8192 characters]");
        var odd = texts.stream().filter(t -> t.startsWith("ansi ")).findFirst().orElseThrow();
        assertThat(odd).isEqualTo("ansi \u001b[31mred\u001b[0m nul \uFFFD bad \uFFFD end");
        assertThat(lines).hasSize(151);
        assertThat(texts.getLast()).matches("\\d+ more lines were not kept \\(at most 150 per deployment\\)");
        assertThat(texts).doesNotContain("deployment succeeded"); // beyond the limit: counted, not kept
    }
}
