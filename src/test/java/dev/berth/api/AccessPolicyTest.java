package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.testing.BerthTestBase;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The features' rules and the schema agree: every field has a rule (its own, its type's, or its mutation's for a
 * payload), no rule names a field that is gone, root fields name their own, no two features claim one field, and
 * no mutation names a read-only scope.
 */
@MicronautTest
class AccessPolicyTest extends BerthTestBase {
    @Inject
    GraphQLSchema schema;

    @Inject
    AccessPolicy policy;

    @Test
    void everyFieldOfTheSchemaHasARule() {
        var missing = new ArrayList<String>();
        for (var type : schema.getAllTypesAsList()) {
            if (!(type instanceof GraphQLObjectType object) || object.getName().startsWith("__")) continue;
            for (var field : object.getFieldDefinitions()) {
                if (policy.rule(schema, object.getName(), field.getName()).isEmpty()) missing.add(object.getName() + "." + field.getName());
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyRuleNamesAFieldOrTypeOfTheSchema() {
        var known = new HashSet<String>();
        for (var type : schema.getAllTypesAsList()) {
            if (!(type instanceof GraphQLObjectType object)) continue;
            known.add(object.getName() + ".*");
            object.getFieldDefinitions().forEach(f -> known.add(object.getName() + "." + f.getName()));
        }
        assertThat(known).containsAll(policy.rules().keySet());
    }

    @Test
    void rootFieldsNameTheirOwnRuleAndMutationsAWriteClassScope() {
        for (var root : new GraphQLObjectType[] {schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()}) {
            for (var field : root.getFieldDefinitions()) {
                assertThat(policy.rules()).containsKey(root.getName() + "." + field.getName());
            }
        }
        for (var field : schema.getMutationType().getFieldDefinitions()) {
            assertThat(AccessPolicy.fitForMutation(policy.rules().get("Mutation." + field.getName()))).as(field.getName()).isTrue();
        }
    }

    @Test
    void aPayloadInheritsItsMutationsRule() {
        assertThat(policy.rule(schema, "DeleteServerPayload", "deletedServerId")).contains(policy.rules().get("Mutation.deleteServer"));
        assertThat(policy.rules()).doesNotContainKey("DeleteServerPayload.*");
    }

    @Test
    void twoFeaturesCannotClaimOneField() {
        AccessRules one = () -> Map.of("Query.me", Access.SIGNED_IN);
        AccessRules two = () -> Map.of("Query.me", Access.ANYONE);
        assertThatThrownBy(() -> new AccessPolicy(List.of(one, two))).hasMessageContaining("two access rules for Query.me");
    }
}
