package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

/** The policy table and the schema agree: every field has a rule, and no rule names a field that is gone. */
@MicronautTest
class AccessPolicyTest extends BerthTestBase {
    @Inject
    GraphQLSchema schema;

    @Test
    void everyFieldOfTheSchemaHasARule() {
        var missing = new ArrayList<String>();
        for (var type : schema.getAllTypesAsList()) {
            if (!(type instanceof GraphQLObjectType object) || object.getName().startsWith("__")) continue;
            for (var field : object.getFieldDefinitions()) {
                if (AccessPolicy.rule(object.getName(), field.getName()).isEmpty()) missing.add(object.getName() + "." + field.getName());
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
        assertThat(known).containsAll(AccessPolicy.RULES.keySet());
    }

    @Test
    void rootFieldsNameTheirOwnRuleRatherThanATypeDefault() {
        for (var root : new GraphQLObjectType[] {schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()}) {
            for (var field : root.getFieldDefinitions()) {
                assertThat(AccessPolicy.RULES).containsKey(root.getName() + "." + field.getName());
            }
        }
    }
}
