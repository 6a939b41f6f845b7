package dev.berth.deployment;

import dev.berth.api.Arguments;
import dev.berth.api.EventPositions;
import dev.berth.api.Viewer;
import dev.berth.api.DataLoaderContribution;
import dev.berth.api.WiringContribution;
import dev.berth.application.Application;
import dev.berth.application.ApplicationService;
import dev.berth.errors.InvalidInputException;
import dev.berth.events.EventBus;
import graphql.schema.idl.RuntimeWiring;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.dataloader.DataLoaderFactory;
import dev.berth.api.Loaders;

/** Fetchers of {@code schema/deployment.graphqls}. */
@Singleton
final class DeploymentWiring implements WiringContribution, DataLoaderContribution {
    static final String DEPLOYMENTS_BY_APPLICATION = "deploymentsByApplication";

    /** One application's page; pages with the same arguments are read together. */
    record PageKey(UUID applicationId, int before, int first) {}

    private final DeploymentService deployments;
    private final ApplicationService applications;
    private final EventBus events;
    private final ApplicationRuntime runtime;

    private final DeploymentPlans plans;

    DeploymentWiring(DeploymentService deployments, ApplicationService applications, EventBus events, ApplicationRuntime runtime,
                     DeploymentPlans plans) {
        this.plans = plans;
        this.runtime = runtime;
        this.deployments = deployments;
        this.applications = applications;
        this.events = events;
    }

    @Override
    public void register(Loaders loaders, Viewer viewer) {
        loaders.add(DEPLOYMENTS_BY_APPLICATION, () -> DataLoaderFactory.<PageKey, List<Deployment>>newMappedDataLoader((Set<PageKey> keys) -> {
            var result = new HashMap<PageKey, List<Deployment>>();
            keys.stream().collect(Collectors.groupingBy(key -> List.of(key.before(), key.first()))).forEach((page, sameArgs) -> {
                var pages = deployments.pagesOf(viewer, sameArgs.stream().map(PageKey::applicationId).toList(), page.get(0), page.get(1));
                sameArgs.forEach(key -> result.put(key, pages.get(key.applicationId())));
            });
            return CompletableFuture.completedFuture(result);
        }));
    }

    private static java.util.UUID inputId(graphql.schema.DataFetchingEnvironment env) {
        return Arguments.id("input.id", Arguments.input(env).get("id"));
    }

    @Override
    public void contribute(RuntimeWiring.Builder wiring) {
        wiring.type("Query", t -> t
                .dataFetcher("deployment", env -> deployments.get(Viewer.from(env), Arguments.id("id", env.getArgument("id"))))
                .dataFetcher("planDeployment", env -> plans.plan(Viewer.from(env), Arguments.id("applicationId", env.getArgument("applicationId")))));
        wiring.type("Mutation", t -> t
                .dataFetcher("deployApplication", env -> Map.of("deployment", deployments.deploy(Viewer.from(env),
                        Arguments.id("input.applicationId", Arguments.input(env).get("applicationId")), (String) Arguments.input(env).get("commit"))))
                .dataFetcher("cancelDeployment", env -> Map.of("deployment",
                        deployments.cancel(Viewer.from(env), Arguments.id("input.id", Arguments.input(env).get("id")))))
                .dataFetcher("rollbackApplication", env -> Map.of("deployment",
                        deployments.rollback(Viewer.from(env), Arguments.id("input.deploymentId", Arguments.input(env).get("deploymentId")))))
                .dataFetcher("startApplication", env -> Map.of("application", runtime.start(Viewer.from(env), inputId(env))))
                .dataFetcher("stopApplication", env -> Map.of("application", runtime.stop(Viewer.from(env), inputId(env))))
                .dataFetcher("restartApplication", env -> Map.of("application", runtime.restart(Viewer.from(env), inputId(env)))));
        wiring.type("Deployment", t -> t.dataFetcher("configurationDiff", env ->
                env.<Deployment>getSource().configurationDiff().stream().map(change -> change.shownTo(Viewer.from(env))).toList()));
        wiring.type("Subscription", t -> t
                .dataFetcher("deploymentLogs", env -> {
                    int after = Arguments.intOr(env, "afterSeq", 0);
                    if (after < 0) throw new InvalidInputException("afterSeq", "must be 0 or more");
                    return EventPositions.track(env, deployments.follow(Viewer.from(env),
                            Arguments.id("deploymentId", env.getArgument("deploymentId")), after), LogLine::seq);
                })
                .dataFetcher("applicationLogs", env -> runtime.follow(Viewer.from(env),
                        Arguments.id("applicationId", env.getArgument("applicationId")), Arguments.intOr(env, "tail", 100)))
                .dataFetcher("deploymentUpdated", env -> {
                    var viewer = Viewer.from(env);
                    var applicationId = Arguments.id("applicationId", env.getArgument("applicationId"));
                    deployments.checkApplication(viewer, applicationId);
                    // live changes from now on, preceded by the latest deployment as it is now (a client starts from a state);
                    // a cold publisher: nothing is subscribed until the stream is, and nothing is kept once delivered
                    return reactor.core.publisher.Flux.defer(() -> {
                        var live = dev.berth.events.Held.from(events.subscribe(DeploymentChanged.channel(viewer.teamId(), applicationId), DeploymentChanged.class),
                                1024, 1L << 20, changed -> 256, () -> new dev.berth.events.SubscriberTooSlowException("deployment changes"));
                        var latest = deployments.pageOf(viewer, applicationId, Integer.MAX_VALUE, 1);
                        return reactor.core.publisher.Flux.fromIterable(latest)
                                .concatWith(live.flux().publishOn(reactor.core.scheduler.Schedulers.boundedElastic(), 1)
                                        .map(changed -> deployments.get(viewer, changed.deploymentId())))
                                .doFinally(signal -> live.connection().dispose());
                    });
                }));
        wiring.type("Deployment", t -> t
                .dataFetcher("application", env -> applications.get(Viewer.from(env), env.<Deployment>getSource().applicationId()))
                .dataFetcher("queuePosition", env -> deployments.queuePosition(Viewer.from(env), env.getSource()))
                .dataFetcher("rollbackOf", env -> {
                    var of = env.<Deployment>getSource().rollbackOf();
                    return of == null ? null : deployments.get(Viewer.from(env), of);
                })
                .dataFetcher("logs", env -> {
                    int first = Arguments.intOr(env, "first", 100);
                    int after = Arguments.intOr(env, "after", 0);
                    if (first < 1 || first > 1000) throw new InvalidInputException("first", "must be between 1 and 1000");
                    return deployments.logs(Viewer.from(env), env.<Deployment>getSource().id(), Math.max(0, after), first);
                }));
        wiring.type("Application", t -> t.dataFetcher("deployments", env -> {
            int first = Arguments.intOr(env, "first", 20);
            if (first < 1 || first > 100) throw new InvalidInputException("first", "must be between 1 and 100");
            Integer before = env.getArgument("before");
            var key = new PageKey(env.<Application>getSource().id(), before == null ? Integer.MAX_VALUE : before, first);
            return env.<PageKey, List<Deployment>>getDataLoader(DEPLOYMENTS_BY_APPLICATION).load(key);
        }));
    }
}
