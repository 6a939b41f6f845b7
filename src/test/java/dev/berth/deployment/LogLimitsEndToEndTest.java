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
        // past the limit the output is counted, not kept; Berth's own lines (how it ended) still are
        var beyond = lines.subList(150, lines.size());
        assertThat(beyond).isNotEmpty().allMatch(l -> l.path("stream").asText().equals("BERTH"));
        assertThat(beyond.size()).isLessThanOrEqualTo(LogWriter.BERTH_RESERVE + 1);
        assertThat(texts).contains("deployment succeeded");
        assertThat(texts.getLast()).matches("\\d+ more lines were not kept \\(at most 150 per log\\)");
    }

    /**
     * 200 MB printed without a newline: the line arrives cut and the heap kept after collections stays flat (a line
     * buffered until its newline held all of it). The heap still in use after each collection is sampled during the build.
     */
    @Test
    void twoHundredMegabytesWithoutANewlineLeaveTheHeapFlat() throws Exception {
        var url = repository(Map.of("Dockerfile", "FROM " + TestDocker.IMAGE + "\n"
                + "RUN head -c 200000000 /dev/zero | tr '\\0' x; echo; echo after-the-flood\n"
                + "CMD [\"/bin/sleep\", \"3600\"]\n"));
        var app = create(application("flood", Map.of("git", Map.of("repository", url, "deployKeyId", deployKeyId))));
        var pools = java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP && p.getCollectionUsage() != null).toList();
        System.gc();
        long before = pools.stream().mapToLong(p -> p.getCollectionUsage().getUsed()).sum();
        var peak = new java.util.concurrent.atomic.AtomicLong(before);
        var sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
        var sampler = Thread.ofPlatform().daemon().start(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(pools.stream().mapToLong(p -> p.getCollectionUsage().getUsed()).sum(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        var id = deploy(app);
        java.util.List<com.fasterxml.jackson.databind.JsonNode> lines;
        try {
            lines = follow(id, 0);
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(deployment(id).path("status").asText()).as(lines.toString().substring(0, Math.min(2000, lines.toString().length()))).isEqualTo("SUCCEEDED");
        var texts = lines.stream().map(l -> l.path("text").asText()).toList();
        var flood = texts.stream().filter(t -> t.startsWith("xxxx")).toList();
        assertThat(flood).hasSize(1);
        assertThat(flood.getFirst()).hasSize(8192 + " [line cut at 8192 characters]".length());
        assertThat(texts).contains("after-the-flood");
        System.out.printf("heap kept after collections: before %d MB, peak %d MB%n", before >> 20, peak.get() >> 20);
        assertThat(peak.get() - before).as("heap kept after collections grew by at most 100 MB (200 MB went through)").isLessThan(100L << 20);
    }
}
