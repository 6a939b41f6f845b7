package dev.berth.api;

import graphql.schema.DataFetcher;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;

/**
 * Puts the {@link AccessPolicy} check in front of every field's fetcher, and runs every mutation field through
 * {@link MutationTransactions}. A field without a rule stops start-up.
 */
final class FieldGuard {
    private FieldGuard() {}

    static GraphQLSchema guard(GraphQLSchema schema, MutationTransactions mutations) {
        var original = schema.getCodeRegistry();
        var guarded = original.transform(registry -> {
            for (var type : schema.getAllTypesAsList()) {
                if (!(type instanceof GraphQLObjectType object) || object.getName().startsWith("__")) continue;
                for (var field : object.getFieldDefinitions()) {
                    var access = AccessPolicy.rule(object.getName(), field.getName())
                            .orElseThrow(() -> new IllegalStateException("no access rule for " + object.getName() + "." + field.getName()));
                    var coordinates = FieldCoordinates.coordinates(object, field);
                    DataFetcher<?> fetcher = original.getDataFetcher(coordinates, field);
                    DataFetcher<?> checked = env -> {
                        AccessPolicy.check(access, Viewer.from(env));
                        return fetcher.get(env);
                    };
                    registry.dataFetcher(coordinates, object == schema.getMutationType() ? mutations.wrap(field, checked) : checked);
                }
            }
        });
        return schema.transform(builder -> builder.codeRegistry(guarded));
    }

}
