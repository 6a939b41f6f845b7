package dev.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.GraphQLHttp;
import dev.berth.testing.SchemaInputs;
import dev.berth.testing.WsClient;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every String, ID and JSON input of every root field, at any depth, refuses NUL and unpaired surrogates with
 * BAD_USER_INPUT naming the argument's path; every list input refuses more than 100 items. The places are read
 * from the schema, so a field added later is covered without editing this test.
 */
@MicronautTest
class InputClassesTest extends BerthTestBase {
    private static final Map<String, String> BAD_TEXT = Map.of("NUL", "\\u0000", "lone surrogate", "\\ud800", "lone low surrogate", "x\\udc00y");

    @Inject
    GraphQLSchema schema;

    record Case(String operation, GraphQLFieldDefinition field, SchemaInputs.Site site) {}

    private List<Case> cases(SchemaInputs.Kind... kinds) {
        var cases = new ArrayList<Case>();
        for (var root : new GraphQLObjectType[] {schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()}) {
            var operation = root == schema.getQueryType() ? "query" : root == schema.getMutationType() ? "mutation" : "subscription";
            for (var field : root.getFieldDefinitions()) {
                for (var site : SchemaInputs.sites(field)) {
                    if (List.of(kinds).contains(site.kind())) cases.add(new Case(operation, field, site));
                }
            }
        }
        return cases;
    }

    @Test
    void everyStringInputRefusesNulAndUnpairedSurrogates() {
        var cases = cases(SchemaInputs.Kind.STRING, SchemaInputs.Kind.JSON);
        assertThat(cases).hasSizeGreaterThan(40);
        var failures = new ArrayList<String>();
        for (var c : cases) {
            for (var bad : BAD_TEXT.entrySet()) {
                var error = call(c, bad.getValue());
                if (!"BAD_USER_INPUT".equals(error.path("extensions").path("code").asText())
                        || !c.site().path().equals(error.path("extensions").path("field").asText())) {
                    failures.add(c.field().getName() + " " + c.site().path() + " (" + bad.getKey() + "): " + error);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void everyListInputRefusesMoreThanAHundredItems() {
        var cases = cases(SchemaInputs.Kind.LIST);
        assertThat(cases).extracting(c -> c.field().getName()).contains("createApiToken");
        var failures = new ArrayList<String>();
        for (var c : cases) {
            var error = call(c, null);
            if (!"BAD_USER_INPUT".equals(error.path("extensions").path("code").asText())
                    || !c.site().path().equals(error.path("extensions").path("field").asText())) {
                failures.add(c.field().getName() + " " + c.site().path() + ": " + error);
            }
        }
        assertThat(failures).isEmpty();
    }

    /** Sends the case with {@code bad} (a JSON escape) at its site; returns the first error. */
    private JsonNode call(Case c, String bad) {
        var document = SchemaInputs.document(c.operation(), c.field());
        var variables = SchemaInputs.variables(c.field(), c.site());
        if (c.operation().equals("subscription")) {
            try (var ws = WsClient.connectAndInit(server.getURI(), user().accessToken())) {
                var message = new LinkedHashMap<String, Object>();
                message.put("id", "1");
                message.put("type", "subscribe");
                message.put("payload", Map.of("query", document, "variables", variables));
                ws.sendText(escape(GraphQLHttp.write(message), bad));
                var reply = ws.next(Duration.ofSeconds(10));
                return reply.path("payload").path(0);
            }
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("query", document);
        body.put("variables", variables);
        var result = http().raw("POST", "/graphql", "application/json", GraphQLHttp.GRAPHQL_RESPONSE, escape(GraphQLHttp.write(body), bad));
        return result.json().path("errors").path(0);
    }

    private static String escape(String json, String bad) {
        return json.replace(SchemaInputs.BAD, bad == null ? "" : bad);
    }
}
