package dev.berth.api;

import graphql.schema.idl.RuntimeWiring;

/** Each feature registers the fetchers of its own SDL file; {@link GraphQLFactory} only merges them. */
public interface WiringContribution {
    void contribute(RuntimeWiring.Builder wiring);
}
