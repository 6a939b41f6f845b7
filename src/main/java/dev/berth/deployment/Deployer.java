package dev.berth.deployment;

import dev.berth.application.ApplicationSettings;
import dev.berth.application.Labels;
import dev.berth.deployment.DeploymentPlan.AwaitHealthy;
import dev.berth.deployment.DeploymentPlan.AwaitRunning;
import dev.berth.deployment.DeploymentPlan.Build;
import dev.berth.deployment.DeploymentPlan.Create;
import dev.berth.deployment.DeploymentPlan.EnsureImage;
import dev.berth.deployment.DeploymentPlan.Retire;
import dev.berth.deployment.DeploymentPlan.Start;
import dev.berth.deployment.DeploymentPlan.StopPrevious;
import dev.berth.execution.Containers;
import dev.berth.execution.Duplex;
import dev.berth.execution.Reasons;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a plan against one server's {@link Containers}: boring on purpose, every decision is in
 * {@link DeploymentPlanner}. A failure or a cancel removes what this run created and, when the previous containers
 * were stopped to free a fixed port, starts them again: the previous version keeps serving.
 */
final class Deployer {
    /** What a run reports to, and asks, the job that drives it. */
    interface Progress {
        void status(Deployment.Status status);

        boolean cancelled();

        /** The node stops: a step failing now may have failed because of it, so the run is handed over, not ended. */
        default boolean stopping() {
            return Thread.currentThread().isInterrupted();
        }

        /** The container was created from this image id: remembered so a rollback runs the same image. */
        void created(String imageId, String containerId);

        /** A git build checked this commit out: recorded on the deployment. */
        default void checkedOut(String commit) {}
    }

    /** How the health check reaches a container: a TCP connection made from the server. */
    interface Dialer {
        Duplex dial(String host, int port) throws IOException;
    }

    /** How the proxy is told to send the application's domains to the new container (its address as the server sees it). */
    interface Switcher {
        /**
         * False when no proxy serves yet (none installed, or not configured yet): the upstream waits for it.
         *
         * @throws Uncertain when the proxy may be sending requests to the new container although the switch failed
         */
        boolean switchTo(String address, @Nullable Integer port);
    }

    /** A switch failed and could not be undone for certain: the new container may receive requests, so it is kept. */
    static final class Uncertain extends RuntimeException {
        Uncertain(String reason) {
            super(reason, null, false, false);
        }
    }

    private Switcher switcher = (address, port) -> {
        throw new Failure("the application has domains but no proxy switch is wired");
    };

    /** The proxy switch for a plan with {@link DeploymentPlan.SwitchProxy}. */
    Deployer withSwitcher(Switcher switcher) {
        this.switcher = switcher;
        return this;
    }

    /** How a run ended. */
    record Outcome(Deployment.Status status, @Nullable String reason) {}

    static final class Failure extends RuntimeException {
        Failure(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The node is stopping (its job thread was interrupted): the deployment is not over, another node takes it over. */
    static final class Stopping extends RuntimeException {
        Stopping() {
            super("stopping", null, false, false);
        }
    }

    /** How a run ends when its node stops under it: no status, the job runs again (elsewhere) and takes it over. */
    static final Outcome STOPPED = new Outcome(null, "the node running it is stopping");

    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    private final Containers containers;
    private final Workspace workspace;
    private final Map<String, dev.berth.secrets.Secret> buildArgs;
    private final Dialer dialer;
    private final DeploymentLog log;
    private final Progress progress;
    private final Sleeper sleeper;
    private Containers.RegistryAuth auth;

    /** Credentials for pulling the image from a private registry. */
    Deployer withRegistry(@Nullable Containers.RegistryAuth auth) {
        this.auth = auth;
        return this;
    }

    /** Waiting, replaceable in unit tests. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    Deployer(Containers containers, Workspace workspace, Map<String, dev.berth.secrets.Secret> buildArgs, Dialer dialer,
             DeploymentLog log, Progress progress, Sleeper sleeper) {
        this.containers = containers;
        this.workspace = workspace;
        this.buildArgs = Map.copyOf(buildArgs);
        this.dialer = dialer;
        this.log = log;
        this.progress = progress;
        this.sleeper = sleeper;
    }

    Outcome execute(DeploymentPlan plan) {
        String created = null;
        String imageId = null;
        List<String> stopped = List.of();
        boolean switched = false; // once the previous version is being retired, nothing undoes the new one
        try {
            for (var step : plan.steps()) {
                if (step instanceof Retire || step instanceof DeploymentPlan.KeepImages) switched = true;
                if (!switched && progress.cancelled()) throw new Cancelled();
                log.step(step.describe());
                switch (step) {
                    case DeploymentPlan.CheckNetwork n -> {
                        var subnets = containers.networkSubnets(n.network());
                        if (subnets.isEmpty()) throw new Failure(noNetwork(n.network()));
                        log.step("the network " + n.network() + " has " + String.join(", ", subnets));
                    }
                    case EnsureImage s -> {
                        progress.status(Deployment.Status.PREPARING);
                        if (containers.imagePresent(s.image())) log.step("the server has " + s.image());
                        else if (s.image().startsWith("sha256:")) throw new Failure("the image " + s.image() + " is no longer on the server");
                        else pull(s.image());
                        imageId = containers.imageId(s.image());
                    }
                    case Build b -> {
                        progress.status(Deployment.Status.BUILDING);
                        imageId = build(b);
                    }
                    case StopPrevious s -> {
                        stopped = s.containers().stream().map(DeploymentPlan.Previous::id).toList();
                        stopped.forEach(id -> containers.stop(id, s.stop().grace()));
                        log.step("stopped " + DeploymentPlan.Previous.names(s.containers()));
                    }
                    case Create c -> {
                        progress.status(Deployment.Status.STARTING);
                        created = containers.create(c.spec());
                        progress.created(imageId, created);
                    }
                    case Start s -> containers.start(created);
                    case AwaitHealthy h -> {
                        progress.status(Deployment.Status.HEALTH_CHECKING);
                        awaitHealthy(created, h);
                    }
                    case AwaitRunning r -> {
                        progress.status(Deployment.Status.HEALTH_CHECKING);
                        pause(r.settle());
                        if (!containers.running(created)) throw exited(created);
                        output(created, "the container's output during start-up:");
                    }
                    case DeploymentPlan.AwaitListening l -> awaitListening(created, l);
                    case DeploymentPlan.SwitchProxy p -> {
                        boolean served;
                        try {
                            served = switcher.switchTo(containers.address(created), p.port());
                        } catch (Uncertain e) {
                            // neither version is removed: the previous keeps running, the next deployment retires both
                            log.step("the new container is kept running: the proxy may send it requests (" + e.getMessage() + ")");
                            created = null;
                            throw new Failure("the proxy could not be switched for certain: " + e.getMessage());
                        } catch (Failure | Cancelled | Stopping e) {
                            throw e;
                        } catch (RuntimeException e) {
                            if (progress.stopping()) throw new Stopping();
                            throw new Failure("the proxy could not be switched to the new container: " + Reasons.plain(e));
                        }
                        switched = true; // the new version serves: from here nothing undoes it
                        log.step(served ? "the proxy sends the domains' requests to the new container"
                                : "the server's proxy serves nothing yet (installProxy, or its first configuration is under way): it will send the domains' requests to the new container");
                    }
                    case DeploymentPlan.Drain d -> sleeper.sleep(d.period());
                    case Retire r -> housekeeping("retire the previous container(s)", () -> r.containers().forEach(c -> {
                        containers.stop(c.id(), r.stop().grace());
                        containers.remove(c.id());
                    }));
                    case DeploymentPlan.KeepImages k -> {
                        var image = imageId;
                        housekeeping("keep the image for rollbacks", () -> keep(image, k));
                    }
                }
            }
            log.step("deployment succeeded");
            return new Outcome(Deployment.Status.SUCCEEDED, null);
        } catch (Cancelled e) {
            undo(created, stopped, "cancelled");
            return new Outcome(Deployment.Status.CANCELLED, "cancelled");
        } catch (Failure e) {
            // Berth's own verdict (a failed health check, an exited container) stands, unless the stop's interrupt caused it
            if (Thread.currentThread().isInterrupted()) return handedOver();
            undo(created, stopped, e.getMessage());
            return new Outcome(Deployment.Status.FAILED, e.getMessage());
        } catch (InterruptedException | Stopping e) {
            // the node stops, with seconds to spare: no undo here (the attempt that takes the deployment over removes
            // what this one made, and starts from the same previous containers); what follows still writes to PostgreSQL
            Thread.interrupted();
            return STOPPED;
        } catch (RuntimeException e) {
            if (progress.stopping()) return handedOver();
            var reason = Reasons.plain(e);
            undo(created, stopped, reason);
            return new Outcome(Deployment.Status.FAILED, reason);
        }
    }

    /**
     * A Docker or SSH call failed while the node stops (interrupted, its channel closed under it): most likely because
     * of the stop, so nothing is undone and another node takes the deployment over, as for an interrupt.
     */
    private static Outcome handedOver() {
        Thread.interrupted();
        return STOPPED;
    }

    /** Why a deployment cannot use the network, and what to do about it. */
    static String noNetwork(String network) {
        return "the server's Docker has no network " + network + " with an address (a daemon started with --bridge=none has none): "
                + "choose networkMode HOST for the server (updateServer) or the application (updateApplication), or give Docker its bridge";
    }

    /** Pulls, seeing a cancel (and a stopping node) within a quarter of a second; a refusal says the daemon's words. */
    private void pull(String image) {
        try {
            containers.pull(image, credentialsFor(image), log, () -> progress.cancelled() || Thread.currentThread().isInterrupted());
        } catch (Containers.Stopped stopped) {
            if (Thread.interrupted()) throw new Stopping();
            throw new Cancelled();
        } catch (Failure | Cancelled | Stopping e) {
            throw e;
        } catch (RuntimeException e) {
            if (progress.stopping()) throw new Stopping(); // cut by the node's stop, not refused
            throw new Failure("the pull of " + image + " failed: " + Reasons.plain(e));
        }
    }

    /** The registry credentials, checked again right before the pull: they go only to the registry they are for. */
    private Containers.RegistryAuth credentialsFor(String image) {
        if (auth == null) return null;
        if (!dev.berth.application.ImageRef.parse("image", image).pulledFrom(auth.server())) {
            throw new Failure("the image " + image + " is not on " + auth.server() + ", the registry whose credentials the application names");
        }
        return auth;
    }

    /**
     * A step after the switch-over: the new version already serves, so a failure here is reported and left for later
     * (the next deployment retires every container but its own, and prunes images) instead of undoing the deployment.
     */
    private void housekeeping(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.step("could not " + what + " (" + Reasons.plain(e) + "); the new version serves, and the next deployment tidies up");
        }
    }

    /** Clones on the server, streams the context from there into the daemon, waits (cancellable); the image id. */
    private String build(DeploymentPlan.Build b) throws InterruptedException {
        var dockerfile = b.dockerfileInContext();
        if (dockerfile == null) throw new Failure("the Dockerfile must lie inside the build context");
        try {
            var commit = workspace.checkout(b, log);
            log.step("building commit " + commit);
            progress.checkedOut(commit);
            if (progress.cancelled()) throw new Cancelled();
            try (var context = workspace.context(b)) {
                var building = containers.build(context.in(), dockerfile, b.tag(), buildArgs, log);
                try {
                    while (!building.await(Duration.ofMillis(250))) {
                        if (progress.cancelled()) throw new Cancelled();
                    }
                    return building.imageId();
                } catch (RuntimeException e) {
                    if (e instanceof Cancelled) throw e;
                    if (progress.stopping()) throw new Stopping(); // cut by the node's stop, not refused
                    throw new Failure("the build failed: " + Reasons.plain(e));
                } finally {
                    building.close(); // a build still running is aborted on the daemon
                }
            } catch (IOException e) {
                throw new Failure("the build context could not be read from the server");
            }
        } finally {
            try {
                workspace.cleanUp(b);
            } catch (RuntimeException e) {
                log.step("could not remove the work directory on the server: " + Reasons.plain(e));
            }
        }
    }

    /** Tags this deployment's image and removes the application's images beyond the last {@code keep}. */
    private void keep(String imageId, DeploymentPlan.KeepImages k) {
        containers.tag(imageId, k.repository(), k.tag());
        var tags = containers.images(k.repository()).stream().flatMap(i -> i.tags().stream())
                .filter(t -> t.startsWith(k.repository() + ":d"))
                .sorted(java.util.Comparator.comparingInt((String t) -> Integer.parseInt(t.substring(t.lastIndexOf(":d") + 2))).reversed())
                .toList();
        for (var old : tags.subList(Math.min(k.keep(), tags.size()), tags.size())) containers.removeImage(old);
    }

    private void awaitHealthy(String container, DeploymentPlan.AwaitHealthy step) throws InterruptedException {
        var check = step.check();
        var address = containers.address(container);
        long startedAt = System.nanoTime();
        int failures = 0;
        int restartsAtAnswer = -1; // on the host network: the restart count when a healthy answer came from a restarted container
        String last = "no answer";
        while (true) {
            if (progress.cancelled()) throw new Cancelled();
            if (!containers.running(container)) throw exited(container);
            var probe = probe(address, check);
            int status = probe.status();
            last = probe.text();
            if (status == check.expectedStatus()) {
                // on the host network the check reaches the server's port, which another process may hold while this
                // container crash-loops on it: an answer counts once the container has stopped restarting
                int restarts = HOST.equals(address) ? containers.restarts(container) : 0;
                if (restarts > 0 && restarts != restartsAtAnswer) {
                    if (restartsAtAnswer >= 0) {
                        output(container, "the container's last output:");
                        throw new Failure("the container keeps restarting (" + restarts + " times) while something answers on port " + check.port()
                                + ": the answer is not the container's (is the port taken on the server?)");
                    }
                    restartsAtAnswer = restarts;
                    log.step("healthy answer, but the container restarted " + restarts + " times: checking again in " + check.intervalSeconds() + " s");
                    pause(Duration.ofSeconds(check.intervalSeconds()));
                    continue;
                }
                log.step("healthy: GET " + check.path() + " answered " + status);
                output(container, "the container's output during start-up:");
                return;
            }
            boolean starting = System.nanoTime() - startedAt < Duration.ofSeconds(check.startPeriodSeconds()).toNanos();
            if (!starting && ++failures >= check.retries()) {
                output(container, "the container's last output:");
                throw new Failure("health check failed " + failures + " times: GET " + check.path() + " on port " + check.port() + ": " + last);
            }
            log.step("health check: " + last + (starting ? " (start period)" : " (" + failures + "/" + check.retries() + ")"));
            pause(Duration.ofSeconds(check.intervalSeconds()));
        }
    }

    /** Waits until a connection to the container's port is accepted, seeing a cancel and an exit within {@link #POLL}. */
    private void awaitListening(String container, DeploymentPlan.AwaitListening step) throws InterruptedException {
        var address = containers.address(container);
        long deadline = System.nanoTime() + step.within().toNanos();
        while (System.nanoTime() < deadline) {
            if (progress.cancelled()) throw new Cancelled();
            if (!containers.running(container)) throw exited(container);
            try (var ignored = dialer.dial(address, step.port())) {
                log.step("the container accepts connections on port " + step.port());
                return;
            } catch (IOException | RuntimeException notYet) {
                pause(POLL);
            }
        }
        output(container, "the container's last output:");
        throw new Failure("the container did not accept connections on port " + step.port() + " ($PORT) within " + step.within().toSeconds() + " s");
    }

    /** The address of a container on the host network: the server's own ports. */
    private static final String HOST = "127.0.0.1";

    /** How often a wait looks at whether the deployment was cancelled. */
    static final Duration POLL = Duration.ofMillis(250);

    /** One check's answer: the status (-1 when there is none) and what to say of it. */
    private record Probe(int status, String text) {}

    /**
     * One health check: a connection made from the server, a GET and its status line, all within the check's
     * {@code timeoutSeconds}; an application that accepts and never answers is given up on at the deadline (its
     * connection closed), and a cancel is seen within {@link #POLL}.
     */
    private Probe probe(String address, ApplicationSettings.HealthCheck check) {
        var answer = new java.util.concurrent.CompletableFuture<Probe>();
        var connection = new java.util.concurrent.atomic.AtomicReference<Duplex>();
        var abandoned = new java.util.concurrent.atomic.AtomicBoolean();
        Thread.ofVirtual().name("berth-health-check").start(() -> {
            try (var opened = dialer.dial(address, check.port())) {
                connection.set(opened);
                if (abandoned.get()) return; // given up meanwhile: closed here, as nobody else will
                int status = HttpCheck.get(opened, address, check.path());
                answer.complete(new Probe(status, status < 0 ? "not an HTTP answer" : "HTTP " + status));
            } catch (IOException | RuntimeException e) {
                answer.complete(new Probe(-1, "no connection (" + (e.getMessage() == null ? "refused or reset" : Reasons.plain(e)) + ")"));
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(1, check.timeoutSeconds())).toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return new Probe(-1, "no answer within " + Math.max(1, check.timeoutSeconds()) + " s");
                try {
                    return answer.get(Math.min(left, POLL.toNanos()), java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException waiting) {
                    if (progress.cancelled()) throw new Cancelled();
                } catch (java.util.concurrent.ExecutionException impossible) {
                    return new Probe(-1, "the check failed");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Stopping();
                }
            }
        } finally {
            abandoned.set(true);
            var open = connection.get();
            if (open != null && !answer.isDone()) {
                try {
                    open.close(); // the read blocked on it ends
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** Waits {@code duration}, in slices, seeing a cancel within one. */
    private void pause(Duration duration) throws InterruptedException {
        long slices = Math.max(1, (duration.toMillis() + POLL.toMillis() - 1) / POLL.toMillis());
        for (long i = 0; i < slices; i++) {
            if (progress.cancelled()) throw new Cancelled();
            sleeper.sleep(Duration.ofMillis(Math.min(POLL.toMillis(), duration.toMillis() - i * POLL.toMillis())));
        }
    }

    private Failure exited(String container) {
        output(container, "the container stopped; its last output:");
        return new Failure("the container exited during start-up");
    }

    /** The container's last {@link #OUTPUT_LINES} lines in the deployment's log (masked like every line), under a heading. */
    private void output(String container, String heading) {
        log.step(heading);
        try {
            containers.logs(container, OUTPUT_LINES, log);
        } catch (RuntimeException e) {
            log.step("(its output could not be read: " + Reasons.plain(e) + ")");
        }
    }

    /** How much of a container's own output a deployment's log shows, at start-up and on failure. */
    static final int OUTPUT_LINES = 50;

    /** Removes what this run made; restarts the previous containers if this run stopped them. */
    private void undo(@Nullable String created, List<String> stopped, String why) {
        try {
            if (created != null) {
                containers.stop(created, Duration.ofSeconds(5));
                containers.remove(created);
                log.step("removed the new container (" + why + ")");
            }
            for (var id : stopped) {
                containers.start(id);
                log.step("started the previous container again");
            }
        } catch (RuntimeException e) {
            log.step("could not clean up: " + Reasons.plain(e));
        }
    }

    /** The application's containers other than this deployment's: what the new one replaces. */
    static List<Containers.Container> previous(Containers containers, String applicationId, String deploymentId) {
        return containers.list(Map.of(Labels.APP, applicationId)).stream()
                .filter(c -> !deploymentId.equals(c.labels().get(Labels.DEPLOYMENT)))
                .toList();
    }
}
