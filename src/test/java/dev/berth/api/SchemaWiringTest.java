package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** The SDL is the contract: every root field has a fetcher of its feature (checked at start-up too), and every type and field is described. */
@MicronautTest
class SchemaWiringTest extends BerthTestBase {
    @Inject
    GraphQLSchema schema;

    @Inject
    java.util.List<WiringContribution> contributions;

    @Inject
    GraphQLFactory.Schemas schemas;

    @Test
    void everyRootFieldHasAFetcherOfItsFeature() {
        var registry = new graphql.schema.idl.TypeDefinitionRegistry();
        SchemaFiles.load().forEach(sdl -> registry.merge(new graphql.schema.idl.SchemaParser().parse(sdl)));
        var wiring = graphql.schema.idl.RuntimeWiring.newRuntimeWiring();
        contributions.forEach(c -> c.contribute(wiring));
        assertThat(GraphQLFactory.unwiredRootFields(registry, wiring.build())).isEmpty();
    }

    /**
     * Cost is estimated from what the schema says: every list of objects is paged ({@code first}), is a connection's
     * {@code edges}, or declares the length it is assumed to have ({@code @listSize}); none falls back to a flat default.
     */
    @Test
    void everyListOfObjectsDeclaresHowLongItIsAssumedToBe() {
        var undeclared = new java.util.ArrayList<String>();
        for (var type : schema.getAllTypesAsList()) {
            if (!(type instanceof graphql.schema.GraphQLObjectType object) || object.getName().startsWith("__")) continue;
            for (var field : object.getFieldDefinitions()) {
                var unwrapped = graphql.schema.GraphQLTypeUtil.unwrapNonNull(field.getType());
                if (!(unwrapped instanceof graphql.schema.GraphQLList)) continue;
                if (!(graphql.schema.GraphQLTypeUtil.unwrapAll(field.getType()) instanceof graphql.schema.GraphQLCompositeType)) continue;
                boolean paged = field.getArgument("first") != null;
                boolean edges = object.getName().endsWith("Connection") && field.getName().equals("edges");
                boolean declared = field.getAppliedDirective(DocumentAnalysis.LIST_SIZE) != null;
                if (!paged && !edges && !declared) undeclared.add(object.getName() + "." + field.getName());
            }
        }
        assertThat(undeclared).isEmpty();
    }

    /**
     * A query its plan admitted runs every plain property (a scalar or enum value, no arguments, no fetcher of its
     * feature) as graphql-java's light fetcher, with no environment built for it: they are most of a large answer's
     * fields. graphql-java gives such a field {@code SingletonPropertyDataFetcher}, not a {@code PropertyDataFetcher}:
     * checking for the latter only had left every one of them wrapped.
     */
    @Test
    void everyPlainPropertyOfAPlannedQueryRunsAsALightFetcher() {
        var wiring = graphql.schema.idl.RuntimeWiring.newRuntimeWiring();
        contributions.forEach(c -> c.contribute(wiring));
        var wired = wiring.build().getDataFetchers();
        var planned = schemas.planned();
        var wrapped = new ArrayList<String>();
        int plain = 0;
        for (var type : planned.getAllTypesAsList()) {
            if (!(type instanceof GraphQLObjectType object) || object.getName().startsWith("__")) continue;
            if (object == planned.getMutationType() || object == planned.getSubscriptionType()) continue;
            for (var field : object.getFieldDefinitions()) {
                var value = graphql.schema.GraphQLTypeUtil.unwrapAll(field.getType());
                boolean leaf = value instanceof graphql.schema.GraphQLScalarType || value instanceof graphql.schema.GraphQLEnumType;
                if (!leaf || !field.getArguments().isEmpty()
                        || wired.getOrDefault(object.getName(), java.util.Map.of()).containsKey(field.getName())) continue;
                plain++;
                var fetcher = planned.getCodeRegistry().getDataFetcher(FieldCoordinates.coordinates(object, field), field);
                if (!(fetcher instanceof graphql.schema.LightDataFetcher<?>)) wrapped.add(object.getName() + "." + field.getName());
                // the guarded schema (every query that no plan admitted) still checks each of them
                var guardedFetcher = schemas.guarded().getCodeRegistry().getDataFetcher(FieldCoordinates.coordinates(object, field), field);
                assertThat(guardedFetcher).as(object.getName() + "." + field.getName()).isNotInstanceOf(graphql.schema.LightDataFetcher.class);
            }
        }
        assertThat(plain).as("plain properties found").isGreaterThan(100);
        assertThat(wrapped).isEmpty();
    }

    @Test
    void aRootFieldWithoutAFetcherIsFound() {
        var registry = new graphql.schema.idl.SchemaParser().parse("""
                type Query { wired: Int }
                extend type Query { forgotten: Int }
                """);
        var wiring = graphql.schema.idl.RuntimeWiring.newRuntimeWiring().type("Query", t -> t.dataFetcher("wired", env -> 1)).build();
        assertThat(GraphQLFactory.unwiredRootFields(registry, wiring)).containsExactly("Query.forgotten");
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
