package dev.berth.deployment;

import dev.berth.application.ApplicationSettings.HealthCheck;
import dev.berth.execution.ContainerSpec;
import java.time.Duration;
import java.util.List;

/** What a deployment will do, computed by {@link DeploymentPlanner}. No I/O; {@link Deployer} runs it. */
public record DeploymentPlan(List<Step> steps) {
    public DeploymentPlan {
        steps = List.copyOf(steps);
    }

    public sealed interface Step {
        /** A short text for planDeployment and the log. */
        String describe();
    }

    /** See that the Docker network the container joins exists on the server and has an address (not for the host network). */
    public record CheckNetwork(String network) implements Step {
        public String describe() { return "check that the server's Docker network " + network + " has an address"; }
    }

    /** Pull the image unless the server already has it. */
    public record EnsureImage(String image) implements Step {
        public String describe() { return "use image " + image + " (pulled if the server lacks it)"; }
    }

    /**
     * Clone a git source on the server into {@code workDir} (relative to the SSH user's home, made of ids only), then
     * build it with the context streamed from there; {@code commit} (if given) is checked out after the clone.
     */
    public record Build(String repository, String ref, @io.micronaut.core.annotation.Nullable String commit, String dockerfile,
                        String context, String tag, @io.micronaut.core.annotation.Nullable java.util.UUID deployKeyId, String workDir) implements Step {
        public String describe() {
            return "clone " + repository + " at " + (commit == null ? ref : commit) + " on the server and build " + dockerfile + " as " + tag;
        }

        /** The Dockerfile's path inside the context, or null when it lies outside it. */
        public String dockerfileInContext() {
            var root = GitCommands.normalised(context);
            var file = GitCommands.normalised(dockerfile);
            if (root.isEmpty()) return file;
            return file.startsWith(root + "/") ? file.substring(root.length() + 1) : null;
        }
    }

    /** Tag the image for this deployment and remove the application's images beyond the last {@code keep}. */
    public record KeepImages(String repository, String tag, int keep) implements Step {
        public String describe() { return "keep the image as " + repository + ":" + tag + " (the last " + keep + " stay for rollbacks)"; }
    }

    /** Stop the previous containers first: a fixed host port (or the host network) forbids two at once. */
    public record StopPrevious(List<Previous> containers, Stop stop) implements Step {
        public StopPrevious { containers = List.copyOf(containers); }
        public String describe() {
            return "stop " + Previous.names(containers) + " first (a fixed host port or the host network allows one at a time), " + stop.describe();
        }
    }

    /** A container of an earlier deployment. */
    public record Previous(String id, String name) {
        static String names(List<Previous> containers) {
            return (containers.size() == 1 ? "the previous container " : "the previous containers ")
                    + String.join(", ", containers.stream().map(Previous::name).toList());
        }
    }

    /** How a container is stopped: its signal, then a kill once the grace period is over. */
    public record Stop(String signal, Duration grace) {
        public String describe() {
            return "SIGKILL".equals(signal) || grace.isZero() ? "killing it at once (" + signal + ")"
                    : "sending " + signal + " and waiting up to " + grace.toSeconds() + " s before it is killed";
        }
    }

    public record Create(ContainerSpec spec) implements Step {
        public String describe() { return "create container " + spec.name() + " from " + spec.image(); }
    }

    public record Start(String containerName) implements Step {
        public String describe() { return "start " + containerName; }
    }

    /** Wait for the HTTP health check to pass. */
    public record AwaitHealthy(HealthCheck check) implements Step {
        public String describe() {
            return "wait until GET " + check.path() + " on port " + (check.port() == 0 ? "$PORT" : check.port()) + " answers " + check.expectedStatus();
        }
    }

    /** No health check: the container must still be running after a short while. */
    public record AwaitRunning(Duration settle) implements Step {
        public String describe() { return "check the container is still running after " + settle.toSeconds() + " s"; }
    }

    /**
     * Send the application's domains to the new container through the server's proxy: on the host network to its
     * {@code $PORT} ({@code port}), on a bridge to its address and each domain's port ({@code port} null).
     */
    public record SwitchProxy(@io.micronaut.core.annotation.Nullable Integer port) implements Step {
        public String describe() {
            return "switch the proxy's upstream for the application's domains to the new container"
                    + (port == null ? " (each domain's port)" : port == 0 ? " (its $PORT)" : " (port " + port + ")");
        }
    }

    /** Let the previous containers finish the requests they were sent before the switch. */
    public record Drain(Duration period) implements Step {
        public String describe() { return "let the previous container(s) finish their requests for " + period.toSeconds() + " s"; }
    }

    /** No health check, behind the proxy: the container must accept connections on its $PORT before the switch. */
    public record AwaitListening(int port, Duration within) implements Step {
        public String describe() {
            return "wait until the container accepts connections on " + (port == 0 ? "$PORT" : "port " + port) + " (within " + within.toSeconds() + " s)";
        }
    }

    /** Stop and remove the previous containers: the new one serves. */
    public record Retire(List<Previous> containers, Stop stop) implements Step {
        public Retire { containers = List.copyOf(containers); }
        public String describe() { return "retire " + Previous.names(containers) + ": stop it, " + stop.describe() + ", and remove it"; }
    }
}
