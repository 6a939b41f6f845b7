package dev.berth.server;

import dev.berth.api.Arguments;
import dev.berth.api.DataLoaderContribution;
import dev.berth.api.Viewer;
import dev.berth.api.WiringContribution;
import dev.berth.project.ResourceName;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.dataloader.DataLoaderFactory;
import dev.berth.api.Loaders;

/** Fetchers of {@code schema/server.graphqls}. */
@Singleton
final class ServerWiring implements WiringContribution, DataLoaderContribution {
    private static final String KEY_BY_ID = "privateKeyById";

    private final ServerService service;
    private final ServerCommands commands;
    private final ServerValidation validation;
    private final dev.berth.events.EventBus events;

    ServerWiring(ServerService service, ServerCommands commands, ServerValidation validation, dev.berth.events.EventBus events) {
        this.service = service;
        this.commands = commands;
        this.validation = validation;
        this.events = events;
    }

    @Override
    public void contribute(RuntimeWiring.Builder wiring) {
        wiring.type("Query", t -> t
                .dataFetcher("privateKeys", env -> service.keys(Viewer.from(env)))
                .dataFetcher("servers", env -> service.servers(Viewer.from(env)))
                .dataFetcher("server", env -> service.server(Viewer.from(env), Arguments.id("id", env.getArgument("id")))));
        wiring.type("Mutation", t -> t
                .dataFetcher("generatePrivateKey", env -> Map.of("privateKey",
                        service.generateKey(Viewer.from(env), ResourceName.of("input.name", Arguments.input(env).get("name")), purpose(env))))
                .dataFetcher("importPrivateKey", env -> {
                    var name = ResourceName.of("input.name", Arguments.input(env).get("name"));
                    return Map.of("privateKey", service.importKey(Viewer.from(env), name,
                            KeyMaterial.read("input.pem", Arguments.input(env).get("pem")), purpose(env)));
                })
                .dataFetcher("deletePrivateKey", env -> Map.of("deletedPrivateKeyId", service.deleteKey(Viewer.from(env), inputId(env))))
                .dataFetcher("createServer", env -> Map.of("server",
                        service.create(Viewer.from(env), ServerInputs.NewServer.from(Arguments.input(env)))))
                .dataFetcher("updateServer", env -> Map.of("server",
                        service.update(Viewer.from(env), inputId(env), ServerInputs.ServerChange.from(Arguments.input(env)))))
                .dataFetcher("deleteServer", env -> Map.of("deletedServerId", service.delete(Viewer.from(env), inputId(env))))
                .dataFetcher("validateServer", env -> Map.of("validationId", validation.start(Viewer.from(env), inputId(env))))
                .dataFetcher("trustServerHostKey", env -> Map.of("server",
                        commands.trust(Viewer.from(env), inputId(env), ServerInputs.fingerprint(Arguments.input(env).get("fingerprint"))))));
        wiring.type("Server", t -> t.dataFetcher("privateKey", env -> {
            var keyId = env.<Server>getSource().privateKeyId();
            return keyId == null ? null : env.getDataLoader(KEY_BY_ID).load(keyId);
        }).dataFetcher("networkMode", env -> service.networkMode(env.<Server>getSource())));
        wiring.type("Subscription", t -> t
                .dataFetcher("serverValidation", env -> validation.follow(Viewer.from(env), Arguments.id("id", env.getArgument("id"))))
                .dataFetcher("serverEvents", env -> events.subscribe(ServerChanged.channel(Viewer.from(env).teamId()), ServerChanged.class)));
        wiring.type("ServerEvent", t -> t.dataFetcher("server", env -> {
            try {
                return service.server(Viewer.from(env), env.<ServerChanged>getSource().serverId());
            } catch (dev.berth.errors.NotFoundException gone) {
                return null;
            }
        }));
    }

    @Override
    public void register(Loaders loaders, Viewer viewer) {
        loaders.add(KEY_BY_ID, () -> DataLoaderFactory.<UUID, PrivateKey>newMappedDataLoader((Set<UUID> ids) ->
                CompletableFuture.completedFuture(service.keysByIds(viewer, ids))));
    }

    private static PrivateKey.Purpose purpose(DataFetchingEnvironment env) {
        return Arguments.input(env).get("purpose") instanceof String p ? PrivateKey.Purpose.valueOf(p) : PrivateKey.Purpose.SERVER;
    }

    private static UUID inputId(DataFetchingEnvironment env) {
        return Arguments.id("input.id", Arguments.input(env).get("id"));
    }
}
