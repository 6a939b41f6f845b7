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

    /** The executable schema twice: every field guarded, and as a query admitted by its {@link AccessPlan} runs it. */
    record Schemas(GraphQLSchema guarded, GraphQLSchema planned) {}

    /** The GraphQL a query runs on once its plan admitted the caller ({@link FieldGuard#planned}). */
    record PlannedQueries(GraphQL graphQL) {}

    @Singleton
    GraphQLSchema schema(Schemas schemas) {
        return schemas.guarded();
    }

    @Singleton
    Schemas schemas(List<WiringContribution> contributions, AccessPolicy policy, MutationTransactions mutations, EventHandOff handOff) {
        var registry = new TypeDefinitionRegistry();
        var parser = new SchemaParser();
        SchemaFiles.load().forEach(sdl -> registry.merge(parser.parse(sdl)));
        var wiring = RuntimeWiring.newRuntimeWiring()
                .scalar(DateTimeScalar.INSTANCE)
                .scalar(ExtendedScalars.Json);
        contributions.forEach(contribution -> contribution.contribute(wiring));
        var built = wiring.build();
        var unwired = unwiredRootFields(registry, built);
        if (!unwired.isEmpty()) throw new IllegalStateException("root fields without a fetcher: " + unwired);
        var executable = new SchemaGenerator().makeExecutableSchema(registry, built);
        var guarded = FieldGuard.guard(executable, policy, mutations, handOff);
        return new Schemas(guarded, FieldGuard.planned(executable, guarded));
    }

    /** Root fields of the SDL that no feature wired (they would silently resolve to null). */
    static List<String> unwiredRootFields(TypeDefinitionRegistry registry, RuntimeWiring wiring) {
        var missing = new java.util.ArrayList<String>();
        for (var root : List.of("Query", "Mutation", "Subscription")) {
            var fetchers = wiring.getDataFetchers().getOrDefault(root, java.util.Map.of());
            var fields = new java.util.ArrayList<graphql.language.FieldDefinition>();
            registry.getType(root).ifPresent(t -> fields.addAll(((graphql.language.ObjectTypeDefinition) t).getFieldDefinitions()));
            registry.objectTypeExtensions().getOrDefault(root, List.of()).forEach(e -> fields.addAll(e.getFieldDefinitions()));
            for (var field : fields) {
                if (!fetchers.containsKey(field.getName())) missing.add(root + "." + field.getName());
            }
        }
        return missing;
    }

    @Singleton
    GraphQL graphQL(GraphQLSchema schema, ErrorMapping errors) {
        return build(schema, errors);
    }

    @Singleton
    PlannedQueries plannedQueries(Schemas schemas, ErrorMapping errors) {
        return new PlannedQueries(build(schemas.planned(), errors));
    }

    private static GraphQL build(GraphQLSchema schema, ErrorMapping errors) {
        return GraphQL.newGraphQL(schema)
                .queryExecutionStrategy(new AsyncExecutionStrategy(errors))
                .mutationExecutionStrategy(new AsyncSerialExecutionStrategy(errors))
                .subscriptionExecutionStrategy(new SubscriptionExecutionStrategy(errors))
                .preparsedDocumentProvider(new PreparsedDocuments())
                .build();
    }
}
