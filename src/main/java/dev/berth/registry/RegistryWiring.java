package dev.berth.registry;

import dev.berth.api.Arguments;
import dev.berth.api.Viewer;
import dev.berth.api.WiringContribution;
import graphql.schema.idl.RuntimeWiring;
import jakarta.inject.Singleton;
import java.util.Map;

/** Fetchers of {@code schema/registry.graphqls}. */
@Singleton
final class RegistryWiring implements WiringContribution {
    private final RegistryService registries;

    RegistryWiring(RegistryService registries) {
        this.registries = registries;
    }

    @Override
    public void contribute(RuntimeWiring.Builder wiring) {
        wiring.type("Query", t -> t.dataFetcher("registries", env -> registries.all(Viewer.from(env))));
        wiring.type("Mutation", t -> t
                .dataFetcher("createRegistry", env -> Map.of("registry",
                        registries.create(Viewer.from(env), RegistryService.NewRegistry.from(Arguments.input(env)))))
                .dataFetcher("deleteRegistry", env -> Map.of("deletedRegistryId",
                        registries.delete(Viewer.from(env), Arguments.id("input.id", Arguments.input(env).get("id"))))));
        wiring.type("Registry", t -> t.dataFetcher("url", env -> env.<Registry>getSource().host()));
    }
}
