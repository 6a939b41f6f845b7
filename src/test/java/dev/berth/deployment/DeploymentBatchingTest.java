package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An environment's applications with their latest deployments cost a constant number of SQL statements, whatever
 * the number of applications (no job engine here: the deployments stay queued).
 */
@MicronautTest(transactional = false)
class DeploymentBatchingTest extends BerthTestBase {
    private static final String LIST = """
            query($e: ID!) { environment(id: $e) { applications(first: 20) { edges { node { name
              deployments(first: 5) { number status } } } } } }""";

    @Inject
    MeterRegistry meters;

    private String one;
    private String twenty;

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.jobs.enabled", "false");
    }

    private String environmentWith(int applications, String serverId) {
        var environment = http().data("mutation($n: String!) { createProject(input: {name: $n}) { project { environments { id } } } }",
                Map.of("n", uniqueName("batch"))).path("createProject").path("project").path("environments").get(0).path("id").asText();
        for (int i = 0; i < applications; i++) {
            var app = http().data("mutation($e: ID!, $s: ID!, $n: String!) { createApplication(input: {environmentId: $e, serverId: $s, name: $n, source: {image: {image: \"busybox\"}}}) { application { id } } }",
                    Map.of("e", environment, "s", serverId, "n", "app-" + i)).path("createApplication").path("application").path("id").asText();
            for (int d = 0; d < 2; d++) {
                http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id } } }", Map.of("a", app));
            }
        }
        return environment;
    }

    @BeforeAll
    void environments() {
        var key = http().data("mutation($n: String!) { generatePrivateKey(input: {name: $n}) { privateKey { id } } }", Map.of("n", uniqueName("k")))
                .path("generatePrivateKey").path("privateKey").path("id").asText();
        var serverId = http().data("mutation($k: ID!, $n: String!) { createServer(input: {name: $n, host: \"127.0.0.1\", privateKeyId: $k}) { server { id } } }",
                Map.of("k", key, "n", uniqueName("s"))).path("createServer").path("server").path("id").asText();
        one = environmentWith(1, serverId);
        twenty = environmentWith(20, serverId);
    }

    private double statementsFor(String environment, int applications) {
        var counter = meters.counter("berth.sql.statements");
        double before = counter.count();
        var edges = http().data(LIST, Map.of("e", environment)).path("environment").path("applications").path("edges");
        double used = counter.count() - before;
        assertThat(edges).hasSize(applications);
        edges.forEach(edge -> {
            assertThat(edge.path("node").path("deployments")).hasSize(2);
            assertThat(edge.path("node").path("deployments").get(0).path("number").asInt()).isEqualTo(2); // newest first
        });
        return used;
    }

    @Test
    void twentyApplicationsWithTheirDeploymentsCostNoMoreStatementsThanOne() {
        statementsFor(one, 1); // warm-up
        double single = statementsFor(one, 1);
        double many = statementsFor(twenty, 20);
        assertThat(many).isEqualTo(single);
        // one query per level: environment, applications, deployments; the team travels with each (no set_config of
        // its own, no BEGIN or COMMIT)
        assertThat(many).isEqualTo(3); // three levels: a counter that counts nothing fails
    }
}
