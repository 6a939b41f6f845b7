package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.PropertyDataFetcher;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** The SDL is the contract: every root field has a fetcher, and every type and field is described. */
@MicronautTest
class SchemaWiringTest extends BerthTestBase {
    @Inject
    GraphQLSchema schema;

    @Test
    void everyRootFieldHasAFetcher() {
        var missing = new ArrayList<String>();
        for (var root : new GraphQLObjectType[] {schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()}) {
            for (var field : root.getFieldDefinitions()) {
                var fetcher = schema.getCodeRegistry().getDataFetcher(FieldCoordinates.coordinates(root, field), field);
                if (fetcher instanceof PropertyDataFetcher<?>) missing.add(root.getName() + "." + field.getName());
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyTypeAndFieldIsDescribed() {
        var undescribed = new ArrayList<String>();
        for (var type : schema.getAllTypesAsList()) {
            if (type instanceof GraphQLObjectType object && !object.getName().startsWith("__")) {
                if (object.getDescription() == null) undescribed.add(object.getName());
                object.getFieldDefinitions().stream().filter(f -> f.getDescription() == null)
                        .forEach(f -> undescribed.add(object.getName() + "." + f.getName()));
            }
        }
        assertThat(undescribed).isEmpty();
    }
}
