package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import graphql.schema.GraphQLInputType;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Audit details redact @sensitive fields at any depth and stay bounded whatever the input. */
class AuditDetailsTest {
    private static final GraphQLInputType INPUT = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse("""
            directive @sensitive on INPUT_FIELD_DEFINITION
            scalar JSON
            input Variable { key: String! value: String! @sensitive }
            input Registry { url: String! auth: Auth }
            input Auth { user: String! password: String! @sensitive }
            input SetInput { name: String variables: [Variable!] registries: [Registry!] password: String @sensitive meta: JSON }
            type Query { x(input: SetInput): Int }
            """), RuntimeWiring.newRuntimeWiring().scalar(graphql.scalars.ExtendedScalars.Json).build())
            .getQueryType().getFieldDefinition("x").getArgument("input").getType();

    @Test
    void sensitiveFieldsAreRedactedAtAnyDepth() throws Exception {
        var details = AuditDetails.of(Map.of(
                "name", "app",
                "password", "top-level-secret",
                "variables", List.of(Map.of("key", "DB_URL", "value", "in-a-list-secret")),
                "registries", List.of(Map.of("url", "registry.example", "auth", Map.of("user", "u", "password", "nested-secret")))), INPUT);
        var text = new ObjectMapper().writeValueAsString(details);
        assertThat(text).doesNotContain("top-level-secret").doesNotContain("in-a-list-secret").doesNotContain("nested-secret")
                .contains("DB_URL").contains("registry.example");
        assertThat(details.get("password")).isEqualTo("***");
    }

    @Test
    void detailsAreBoundedWhateverTheInput() throws Exception {
        var many = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < 100; i++) many.add(Map.of("key", "K" + "x".repeat(60_000), "value", "v"));
        var details = AuditDetails.of(Map.of("name", "n".repeat(65_536), "variables", many, "meta", Map.of("deep", List.of("y".repeat(9_000)))), INPUT);
        var text = new ObjectMapper().writeValueAsString(details);
        assertThat(text.length()).isLessThan(AuditDetails.BUDGET + 4 * AuditDetails.MAX_STRING);
        assertThat((List<?>) details.get("variables")).hasSizeLessThanOrEqualTo(AuditDetails.MAX_ITEMS + 1);
    }
}
