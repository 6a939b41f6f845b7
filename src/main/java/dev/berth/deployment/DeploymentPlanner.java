package dev.berth.deployment;

import dev.berth.application.ApplicationSource;
import dev.berth.application.Labels;
import dev.berth.deployment.DeploymentPlan.AwaitHealthy;
import dev.berth.deployment.DeploymentPlan.AwaitRunning;
import dev.berth.deployment.DeploymentPlan.Build;
import dev.berth.deployment.DeploymentPlan.Create;
import dev.berth.deployment.DeploymentPlan.EnsureImage;
import dev.berth.deployment.DeploymentPlan.Retire;
import dev.berth.deployment.DeploymentPlan.Start;
import dev.berth.deployment.DeploymentPlan.Step;
import dev.berth.deployment.DeploymentPlan.StopPrevious;
import dev.berth.execution.ContainerSpec;
import dev.berth.execution.Containers;
import dev.berth.secrets.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

/** Pure: turns a deployment's snapshot, environment and the server's current containers into steps. */
public final class DeploymentPlanner {

    private DeploymentPlanner() {}

    /**
     * @param previous the application's containers on the server now (found by label), other than this deployment's
     * @param network  the Docker network mode containers join ({@code host} makes every port a fixed one)
     */
    public record Input(UUID teamId, UUID applicationId, UUID deploymentId, int number, Snapshot snapshot,
                        Snapshot.Environment environment, List<Containers.Container> previous, String network,
                        @io.micronaut.core.annotation.Nullable String commit, int keepImages, Duration settle,
                        @io.micronaut.core.annotation.Nullable Proxied proxied) {
        public Input(UUID teamId, UUID applicationId, UUID deploymentId, int number, Snapshot snapshot, Snapshot.Environment environment,
                     List<Containers.Container> previous, String network, @io.micronaut.core.annotation.Nullable String commit, int keepImages,
                     Duration settle) {
            this(teamId, applicationId, deploymentId, number, snapshot, environment, previous, network, commit, keepImages, settle, null);
        }

        /** The same run, replacing these containers. */
        Input withPrevious(List<Containers.Container> containers) {
            return new Input(teamId, applicationId, deploymentId, number, snapshot, environment, containers, network, commit, keepImages, settle, proxied);
        }
    }

    /**
     * The application has domains, served by its server's proxy: on the host network the container listens on
     * {@code port} (given as {@code $PORT}; null on a bridge), and the old one drains for {@code drain} after the switch.
     */
    public record Proxied(@io.micronaut.core.annotation.Nullable Integer port, Duration drain) {}

    /** Where a git deployment's work directory lies on its server, relative to the SSH user's home: ids only. */
    public static String workDir(UUID deploymentId) {
        return ".berth/work/" + deploymentId;
    }

    /** Where an application's images are kept on its server. */
    public static String repository(UUID applicationId) {
        return Labels.imageRepository(applicationId);
    }

    /** How long a container behind the proxy without a health check may take to accept connections on its $PORT. */
    static final Duration LISTENING_WITHIN = Duration.ofSeconds(60);

    public static DeploymentPlan plan(Input in) {
        var steps = new ArrayList<Step>();
        if (!"host".equals(in.network())) steps.add(new DeploymentPlan.CheckNetwork(in.network()));
        var snapshot = in.snapshot();
        String image;
        if (snapshot.image() != null) {
            image = snapshot.image(); // a rollback, or a revived run: the image is already known
            steps.add(new EnsureImage(image));
        } else if (snapshot.source() instanceof ApplicationSource.Image source) {
            image = source.ref().reference();
            steps.add(new EnsureImage(image));
        } else {
            var git = (ApplicationSource.Git) snapshot.source();
            image = repository(in.applicationId()) + ":d" + in.number();
            steps.add(new Build(git.repository(), git.ref(), in.commit(), git.dockerfile(), git.context(), image, git.deployKeyId(),
                    workDir(in.deploymentId())));
        }
        var previous = previous(in.previous());
        var settings = snapshot.settings();
        var stop = stop(settings);
        // behind the proxy on the host network each deployment listens on a port of its own: the two run side by side
        boolean ownPort = in.proxied() != null && in.proxied().port() != null;
        boolean exclusive = snapshot.settings().fixedHostPort() || ("host".equals(in.network()) && !ownPort);
        if (exclusive && !previous.isEmpty()) steps.add(new StopPrevious(previous, stop));
        var spec = spec(in, image);
        steps.add(new Create(spec));
        steps.add(new Start(spec.name()));
        var health = snapshot.settings().healthCheck();
        if (health != null && ownPort) health = new dev.berth.application.ApplicationSettings.HealthCheck(health.path(), in.proxied().port(),
                health.expectedStatus(), health.intervalSeconds(), health.timeoutSeconds(), health.retries(), health.startPeriodSeconds());
        steps.add(health == null ? new AwaitRunning(in.settle()) : new AwaitHealthy(health));
        if (health == null && ownPort) steps.add(new DeploymentPlan.AwaitListening(in.proxied().port(), LISTENING_WITHIN));
        if (in.proxied() != null) {
            steps.add(new DeploymentPlan.SwitchProxy(in.proxied().port()));
            if (!previous.isEmpty() && !exclusive && !in.proxied().drain().isZero()) steps.add(new DeploymentPlan.Drain(in.proxied().drain()));
        }
        if (!previous.isEmpty()) steps.add(new Retire(previous, stop));
        steps.add(new DeploymentPlan.KeepImages(repository(in.applicationId()), "d" + in.number(), in.keepImages()));
        return new DeploymentPlan(steps);
    }

    /**
     * A run taken over after its node had switched the proxy to this deployment's container: that container serves and
     * stays; what is left is retiring the previous ones, stopped as the application says.
     */
    public static DeploymentPlan retireOnly(Snapshot snapshot, List<Containers.Container> previous) {
        return new DeploymentPlan(previous.isEmpty() ? List.of() : List.of(new Retire(previous(previous), stop(snapshot.settings()))));
    }

    private static List<DeploymentPlan.Previous> previous(List<Containers.Container> containers) {
        return containers.stream().map(c -> new DeploymentPlan.Previous(c.id(), c.name())).toList();
    }

    private static DeploymentPlan.Stop stop(dev.berth.application.ApplicationSettings settings) {
        return new DeploymentPlan.Stop(settings.stopSignal().name(), settings.stopGrace());
    }

    static ContainerSpec spec(Input in, String image) {
        var settings = in.snapshot().settings();
        var labels = new LinkedHashMap<>(settings.labels());
        labels.put(Labels.MANAGED, "true");
        labels.put(Labels.TEAM, in.teamId().toString());
        labels.put(Labels.APP, in.applicationId().toString());
        labels.put(Labels.DEPLOYMENT, in.deploymentId().toString());
        var env = new LinkedHashMap<String, Secret>();
        in.environment().values().forEach((key, value) -> env.put(key, new Secret(value)));
        if (in.proxied() != null && in.proxied().port() != null) env.put("PORT", new Secret(Integer.toString(in.proxied().port())));
        var name = containerName(in.snapshot().name(), in.number(), in.deploymentId());
        return new ContainerSpec(name, image, labels, env, settings.command(),
                settings.ports().stream().map(p -> new ContainerSpec.PortBinding(p.containerPort(), p.hostPort())).toList(),
                settings.restartPolicy().name(), settings.cpuLimit(), settings.memoryLimitMiB(),
                settings.volumes().stream().map(v -> new ContainerSpec.Mount("berth-" + in.applicationId() + "-" + v.name(), v.mountPath())).toList(),
                in.network(), settings.stopSignal().name(), settings.stopGracePeriodSeconds());
    }

    /** A deployment's container name: the application's name, the deployment's number and the end of its id. */
    static String containerName(String applicationName, int number, UUID deploymentId) {
        return applicationName + "-" + number + "-" + deploymentId.toString().substring(24);
    }

    /** The steps as text, for planDeployment. */
    public static List<String> describe(DeploymentPlan plan) {
        return plan.steps().stream().map(Step::describe).toList();
    }
}
