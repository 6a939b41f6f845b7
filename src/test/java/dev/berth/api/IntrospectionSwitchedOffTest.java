package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code berth.graphql.introspection=false} and {@code berth.graphql.graphiql=false}. */
@MicronautTest
class IntrospectionSwitchedOffTest extends BerthTestBase {

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.graphql.introspection", "false", "berth.graphql.graphiql", "false");
    }

    @Test
    void introspectionQueriesAreRefused() {
        var result = http().post("{ __schema { types { name } } }");
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.firstErrorCode()).isEqualTo("INTROSPECTION_DISABLED");
        assertThat(http().post("{ __type(name: \"Project\") { name } }").firstErrorCode()).isEqualTo("INTROSPECTION_DISABLED");
    }

    @Test
    void typenameStillWorks() {
        assertThat(http().post("{ __typename }").status()).isEqualTo(200);
    }

    @Test
    void graphiqlIsGone() {
        assertThat(http().raw("GET", "/graphiql", null, "text/html", null).status()).isEqualTo(404);
    }
}
