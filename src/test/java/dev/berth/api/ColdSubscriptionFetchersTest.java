package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.errors.BerthException;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.ManagedServers;
import dev.berth.testing.RedisChannels;
import dev.berth.testing.TestApplications;
import graphql.GraphQLContext;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetchingEnvironmentImpl;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLSchema;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Every subscription's root fetcher returns a cold publisher: calling it opens nothing (no Dragonfly channel),
 * whatever it answers; only subscribing to the stream does. A fetcher that subscribed eagerly leaked a channel (and
 * whatever it buffered) for each refused or grouped subscriber. Calls the fetchers straight from the schema's code
 * registry, so a new subscription without a row here fails the test.
 */
@MicronautTest
class ColdSubscriptionFetchersTest extends BerthTestBase {
    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.jobs.enabled", "false");
    }

    @Inject
    GraphQLSchema schema;

    @Test
    void everySubscriptionFetcherOpensNothingUntilItsStreamIsSubscribed() throws Exception {
        var team = user().teamId();
        var app = TestApplications.unreachable(http());
        var deployment = http().data("mutation($a: ID!) { deployApplication(input: {applicationId: $a}) { deployment { id } } }", Map.of("a", app))
                .path("deployApplication").path("deployment").path("id").asText();
        var server = http().data("query($id: ID!) { application(id: $id) { server { id } } }", Map.of("id", app))
                .path("application").path("server").path("id").asText();
        var validation = http().data("mutation($id: ID!) { validateServer(input: {id: $id}) { validationId } }", Map.of("id", server))
                .path("validateServer").path("validationId").asText();
        var environment = http().data("query($id: ID!) { application(id: $id) { environment { id } } }", Map.of("id", app))
                .path("application").path("environment").path("id").asText();
        var database = http().data("mutation($e: ID!, $s: ID!) { createDatabase(input: {environmentId: $e, serverId: $s, name: \"cold\", engine: REDIS, publicPort: 25009}) { database { id } } }",
                Map.of("e", environment, "s", server)).path("createDatabase").path("database").path("id").asText();
        var destination = http().data("mutation { createBackupDestination(input: {name: \"cold\", endpoint: \"http://127.0.0.1:9\", region: \"us-east-1\", bucket: \"backups\", accessKey: \"a\", secretKey: \"s\"}) { backupDestination { id } } }",
                Map.of()).path("createBackupDestination").path("backupDestination").path("id").asText();
        var backup = http().data("mutation($d: ID!, $t: ID!) { backupDatabase(input: {databaseId: $d, destinationId: $t}) { backup { id } } }",
                Map.of("d", database, "t", destination)).path("backupDatabase").path("backup").path("id").asText();
        var arguments = new HashMap<String, Map<String, Object>>(Map.of(
                "deploymentLogs", Map.of("deploymentId", deployment, "afterSeq", 0),
                "backupLogs", Map.of("backupId", backup, "afterSeq", 0),
                "applicationLogs", Map.of("applicationId", app, "tail", 10),
                "deploymentUpdated", Map.of("applicationId", app),
                "serverValidation", Map.of("id", validation),
                "applicationEvents", Map.of(), "projectEvents", Map.of(), "serverEvents", Map.of(), "auditEvents", Map.of(),
                "databaseEvents", Map.of()));
        arguments.put("domainEvents", Map.of());
        var viewer = ManagedServers.ownerViewer(user());
        RedisChannels.awaitNone(team);

        var publishers = new HashMap<String, Publisher<?>>();
        for (var field : schema.getSubscriptionType().getFieldDefinitions()) {
            assertThat(arguments).as("arguments for Subscription." + field.getName()).containsKey(field.getName());
            var fetcher = schema.getCodeRegistry().getDataFetcher(FieldCoordinates.coordinates("Subscription", field.getName()), field);
            for (int call = 0; call < 3; call++) {
                var env = DataFetchingEnvironmentImpl.newDataFetchingEnvironment()
                        .graphQLContext(GraphQLContext.newContext().of(Viewer.CONTEXT_KEY, viewer).build())
                        .arguments(arguments.get(field.getName())).fieldDefinition(field).build();
                Object answer;
                try {
                    answer = fetcher.get(env);
                } catch (BerthException refused) {
                    continue; // refused at once (a bad argument, a missing id): nothing was opened either
                }
                if (answer instanceof DataFetcherResult<?> result) answer = result.getData();
                assertThat(answer).as("Subscription." + field.getName() + " answers a stream").isInstanceOf(Publisher.class);
                publishers.put(field.getName(), (Publisher<?>) answer);
            }
        }
        assertThat(RedisChannels.channels(team)).as("channels opened by fetchers whose streams nobody subscribed to").isEmpty();

        // the probe sees a subscription when there is one: subscribing to a stream opens its channel, cancelling closes it
        var live = Flux.from(publishers.get("projectEvents")).subscribe(event -> { }, error -> { });
        RedisChannels.awaitSubscribed(team, "projects");
        live.dispose();
        RedisChannels.awaitUnsubscribed(team, "projects");
        assertThat(publishers).as("streams answered").containsKeys("projectEvents", "serverEvents", "auditEvents", "applicationEvents",
                "deploymentUpdated", "deploymentLogs", "backupLogs");
        RedisChannels.awaitNone(team);
    }
}
