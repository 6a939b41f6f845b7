package dev.berth.api;

import graphql.schema.DataFetcher;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import org.reactivestreams.Publisher;

/**
 * Puts the input check ({@link InputGuard}) and the {@link AccessPolicy} check in front of every field's
 * fetcher, runs every mutation field through {@link MutationTransactions}, and hands every subscription's events
 * to worker threads ({@link EventHandOff}). No fetcher runs on an I/O thread (checked for every field but a planned
 * query's plain properties), and no query returns a project-owned object outside a token's projects
 * ({@link ProjectScope}). A field without a rule stops start-up.
 */
final class FieldGuard {
    private FieldGuard() {}

    static GraphQLSchema guard(GraphQLSchema schema, AccessPolicy policy, MutationTransactions mutations, EventHandOff handOff) {
        var original = schema.getCodeRegistry();
        var guarded = original.transform(registry -> {
            for (var type : schema.getAllTypesAsList()) {
                if (!(type instanceof GraphQLObjectType object) || object.getName().startsWith("__")) continue;
                for (var field : object.getFieldDefinitions()) {
                    var access = policy.rule(schema, object.getName(), field.getName())
                            .orElseThrow(() -> new IllegalStateException("no access rule for " + object.getName() + "." + field.getName()));
                    var coordinates = FieldCoordinates.coordinates(object, field);
                    DataFetcher<?> fetcher = original.getDataFetcher(coordinates, field);
                    if (object == schema.getMutationType()) {
                        if (!AccessPolicy.fitForMutation(access)) {
                            throw new IllegalStateException("the rule of Mutation." + field.getName() + " names a read-only scope");
                        }
                        registry.dataFetcher(coordinates, mutations.wrap(field, access, fetcher));
                    } else if (object == schema.getSubscriptionType()) {
                        registry.dataFetcher(coordinates, (DataFetcher<?>) env -> {
                            InputGuard.check(env.getArguments());
                            AccessPolicy.check(access, Viewer.from(env));
                            var result = fetcher.get(env);
                            return result instanceof Publisher<?> events
                                    ? handOff.handOff(events, env.getDataLoaderRegistry(), Viewer.from(env)) : result;
                        });
                    } else {
                        registry.dataFetcher(coordinates, (DataFetcher<?>) env -> {
                            EventHandOff.requireWorkerThread();
                            InputGuard.check(env.getArguments());
                            var viewer = Viewer.from(env);
                            AccessPolicy.check(access, viewer);
                            return ProjectScope.filter(viewer, fetcher.get(env));
                        });
                    }
                }
            }
        });
        return schema.transform(builder -> builder.codeRegistry(guarded));
    }

    /**
     * The schema a query runs on once its {@link AccessPlan} admitted the caller: no access check per field (the plan
     * made them all, once). A plain property (graphql-java's property fetcher, no arguments, a scalar or enum value) runs
     * as graphql-java's trivial fetcher, with no environment built for it; every other field keeps the input check, the
     * worker-thread check and the filter that hides objects outside a token's projects. Mutation and subscription
     * fields are as in {@code guarded} ({@link #guard} of {@code schema}): a plan never sends them here.
     */
    static GraphQLSchema planned(GraphQLSchema schema, GraphQLSchema guarded) {
        var original = schema.getCodeRegistry();
        var planned = guarded.getCodeRegistry().transform(registry -> {
            for (var type : schema.getAllTypesAsList()) {
                if (!(type instanceof GraphQLObjectType object) || object.getName().startsWith("__")) continue;
                if (object == schema.getMutationType() || object == schema.getSubscriptionType()) continue;
                for (var field : object.getFieldDefinitions()) {
                    var coordinates = FieldCoordinates.coordinates(object, field);
                    DataFetcher<?> fetcher = original.getDataFetcher(coordinates, field);
                    var value = graphql.schema.GraphQLTypeUtil.unwrapAll(field.getType());
                    boolean leaf = value instanceof graphql.schema.GraphQLScalarType || value instanceof graphql.schema.GraphQLEnumType;
                    if (leaf && field.getArguments().isEmpty() && property(fetcher)) {
                        registry.dataFetcher(coordinates, fetcher);
                    } else {
                        boolean arguments = !field.getArguments().isEmpty();
                        registry.dataFetcher(coordinates, (DataFetcher<?>) env -> {
                            EventHandOff.requireWorkerThread();
                            if (arguments) InputGuard.check(env.getArguments());
                            var result = fetcher.get(env);
                            return leaf ? result : ProjectScope.filter(Viewer.from(env), result);
                        });
                    }
                }
            }
        });
        return guarded.transform(builder -> builder.codeRegistry(planned));
    }

    /**
     * graphql-java's own property fetchers: the one a field without a fetcher of its own gets
     * ({@code SingletonPropertyDataFetcher}, the code registry's default) and {@code PropertyDataFetcher}. Both read a
     * property of the source and nothing else, as light fetchers (no environment built for them).
     */
    static boolean property(DataFetcher<?> fetcher) {
        return fetcher instanceof graphql.schema.PropertyDataFetcher<?> || fetcher instanceof graphql.schema.SingletonPropertyDataFetcher<?>;
    }

}
