package dev.berth.api;

import graphql.GraphQL;
import graphql.execution.AsyncExecutionStrategy;
import graphql.execution.AsyncSerialExecutionStrategy;
import graphql.execution.SubscriptionExecutionStrategy;
import graphql.scalars.ExtendedScalars;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.util.List;

/** Builds the executable schema from {@code schema/*.graphqls} and every feature's {@link WiringContribution}. */
@Factory
final class GraphQLFactory {

    @Singleton
    GraphQLSchema schema(List<WiringContribution> contributions, MutationTransactions mutations, EventHandOff handOff) {
        var registry = new TypeDefinitionRegistry();
        var parser = new SchemaParser();
        SchemaFiles.load().forEach(sdl -> registry.merge(parser.parse(sdl)));
        var wiring = RuntimeWiring.newRuntimeWiring()
                .scalar(DateTimeScalar.INSTANCE)
                .scalar(ExtendedScalars.Json);
        contributions.forEach(contribution -> contribution.contribute(wiring));
        return FieldGuard.guard(new SchemaGenerator().makeExecutableSchema(registry, wiring.build()), mutations, handOff);
    }

    @Singleton
    GraphQL graphQL(GraphQLSchema schema, ErrorMapping errors) {
        return GraphQL.newGraphQL(schema)
                .queryExecutionStrategy(new AsyncExecutionStrategy(errors))
                .mutationExecutionStrategy(new AsyncSerialExecutionStrategy(errors))
                .subscriptionExecutionStrategy(new SubscriptionExecutionStrategy(errors))
                .preparsedDocumentProvider(new PreparsedDocuments())
                .build();
    }
}
