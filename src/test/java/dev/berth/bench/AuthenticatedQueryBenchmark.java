package dev.berth.bench;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.GraphQLHttp;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Latency of small authenticated queries through the whole stack (HTTP, token resolution, cost budget in
 * Dragonfly, access policy on every field, tenancy, PostgreSQL), sequential on loopback. Prints figures and
 * writes them to target/benchmarks/; asserts nothing about time. Run:
 * {@code ./mvnw test -Dgroups=benchmark -Dexcluded.groups=none -Dtest=AuthenticatedQueryBenchmark}
 */
@Tag("benchmark")
@MicronautTest
class AuthenticatedQueryBenchmark extends BerthTestBase {
    private static final int WARM_UP = 1_000;
    private static final int MEASURED = 5_000;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.rate-limit.cost-per-minute", "100000000");
    }

    @Test
    void smallAuthenticatedQueries() throws IOException {
        for (int i = 0; i < 10; i++) {
            http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { id } } }", Map.of("n", uniqueName("bench")));
        }
        var token = http().data("mutation { createApiToken(input: {name: \"bench\", scopes: [\"read\"]}) { token } }", Map.of())
                .path("createApiToken").path("token").asText();
        var lines = List.of(
                run("session JWT, { me { user { id } team { id } } }", http(), "{ me { user { id } team { id } } }"),
                run("session JWT, 10 projects with environments", http(), "{ projects(first: 10) { edges { node { name environments { name } } } } }"),
                run("access token, 10 projects with environments", anonymous().as(token), "{ projects(first: 10) { edges { node { name environments { name } } } } }"));
        var report = String.join("\n", lines);
        System.out.println(report);
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/authenticated-query.txt"), report + "\n");
    }

    private static String run(String label, GraphQLHttp client, String query) {
        for (int i = 0; i < WARM_UP; i++) client.data(query, Map.of());
        var nanos = new long[MEASURED];
        long started = System.nanoTime();
        for (int i = 0; i < MEASURED; i++) {
            long t0 = System.nanoTime();
            client.data(query, Map.of());
            nanos[i] = System.nanoTime() - t0;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Arrays.sort(nanos);
        return String.format("%-48s n=%d p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms throughput=%.0f req/s (1 client)",
                label, MEASURED, ms(nanos, 0.50), ms(nanos, 0.90), ms(nanos, 0.99), nanos[MEASURED - 1] / 1e6, MEASURED / seconds);
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)))] / 1e6;
    }
}
