package dev.berth.project;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Listing projects with their environments costs a constant number of SQL statements, whatever the page
 * size: counted by the statement counter every pooled connection reports to.
 */
@MicronautTest
class EnvironmentBatchingTest extends BerthTestBase {
    private static final String LIST = """
            query($first: Int) { projects(first: $first) { edges { node { name environments { name project { name } } } } } }""";

    @Inject
    MeterRegistry meters;

    @BeforeAll
    void atLeastOneHundredProjects() {
        for (int i = 0; i < 100; i++) {
            http().data("mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }",
                    Map.of("input", Map.of("name", uniqueName("bulk"))));
        }
    }

    private double statementsFor(int first) {
        var counter = meters.counter("berth.sql.statements");
        double before = counter.count();
        var data = http().data(LIST, Map.of("first", first));
        assertThat(data.path("projects").path("edges")).hasSize(first);
        return counter.count() - before;
    }

    @Test
    void oneHundredProjectsCostNoMoreStatementsThanOne() {
        statementsFor(1); // warm-up: bootstrap-team lookup and the like
        double one = statementsFor(1);
        double ten = statementsFor(10);
        double hundred = statementsFor(100);
        assertThat(hundred).isEqualTo(ten).isEqualTo(one);
        // the page, its environments and their projects, whatever the page: the team travels with each of them, no
        // set_config, BEGIN or COMMIT of its own
        assertThat(one).isEqualTo(3.0);
        // one transaction for the request: its tenancy setting, then one query per level (projects, environments,
        // projects); the caller was resolved by an earlier request and is cached
        assertThat(hundred).isBetween(3.0, 4.0); // at least the two levels and the setting: a counter that counts nothing fails
    }

    /**
     * A document that also holds an operation asking a server (planDeployment, {@code @ownTransaction}) runs the
     * operation it names as any query: in one transaction. Only the operation that runs decides.
     */
    @Test
    void anUnrunOperationThatWouldAskAServerDoesNotTakeTheSharedTransactionAway() {
        statementsFor(10);
        double alone = statementsFor(10);
        var counter = meters.counter("berth.sql.statements");
        double before = counter.count();
        var listed = LIST.replaceFirst("query", "query Listed");
        var body = dev.berth.testing.GraphQLHttp.write(Map.of("operationName", "Listed", "variables", Map.of("first", 10), "query",
                listed + " query Planned { planDeployment(applicationId: \"01a24bb2-0000-7000-8000-000000000000\") { steps } }"));
        var result = http().raw("POST", "/graphql", "application/json", "application/json", body);
        assertThat(result.body()).contains("edges");
        assertThat(counter.count() - before).isEqualTo(alone);
    }

    /**
     * A mutation's round trips: the project with its first environment in one statement, which carries the tenancy
     * setting in its round trip (the audit row, written in the same team, does not set it again), and the audit row,
     * which also says whether credentials changed.
     */
    @Test
    void creatingAProjectCostsTwoStatements() {
        var counter = meters.counter("berth.sql.statements");
        var create = "mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id name } } }";
        http().data(create, Map.of("input", Map.of("name", uniqueName("warm")))); // the caller cached
        double before = counter.count();
        http().data(create, Map.of("input", Map.of("name", uniqueName("counted"))));
        assertThat(counter.count() - before).isEqualTo(2.0);
    }
}
