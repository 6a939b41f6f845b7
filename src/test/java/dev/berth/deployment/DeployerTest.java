package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.application.ApplicationSettings;
import dev.berth.application.ApplicationSource;
import dev.berth.application.Labels;
import dev.berth.execution.Duplex;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The planner and the executor without a daemon: exact steps and exact calls on the recording container seam. */
class DeployerTest {
    private static final UUID TEAM = UUID.fromString("00000000-0000-7000-8000-000000000001");
    private static final UUID APP = UUID.fromString("00000000-0000-7000-8000-0000000000a1");
    private static final UUID DEPLOYMENT = UUID.fromString("00000000-0000-7000-8000-0000000000d7");

    private final List<String> log = new ArrayList<>();
    private final List<Deployment.Status> statuses = new ArrayList<>();
    private boolean cancelAfterCreate;
    private volatile boolean cancelNow;
    private volatile boolean stoppingNow;

    private DeploymentLog log() {
        return new DeploymentLog() {
            public void step(String text) { log.add("berth: " + text); }
            public void line(String stream, String text) { log.add(stream + ": " + text); }
        };
    }

    private Deployer.Progress progress() {
        return new Deployer.Progress() {
            boolean created;
            public void status(Deployment.Status status) { statuses.add(status); }
            public boolean cancelled() { return cancelNow || (cancelAfterCreate && created); }
            public boolean stopping() { return stoppingNow; }
            public void created(String imageId, String containerId) { created = true; }
        };
    }

    private static Snapshot snapshot(ApplicationSource source, ApplicationSettings settings) {
        return new Snapshot("web", source, settings, List.of("A"), java.util.Set.of(), null);
    }

    private static ApplicationSettings settings(Integer hostPort, ApplicationSettings.HealthCheck health) {
        return new ApplicationSettings(List.of(new ApplicationSettings.Port(8080, hostPort)), null, health,
                ApplicationSettings.RestartPolicy.UNLESS_STOPPED, null, null, Map.of(), List.of(), null, null, null);
    }

    private static DeploymentPlanner.Input input(Snapshot snapshot, List<dev.berth.execution.Containers.Container> previous, String network) {
        return new DeploymentPlanner.Input(TEAM, APP, DEPLOYMENT, 7, snapshot, new Snapshot.Environment(Map.of("A", "1"), java.util.Set.of(), java.util.Set.of()),
                previous, network, null, 2, java.time.Duration.ofSeconds(1));
    }

    /** A dialer whose server answers every request with {@code status}. */
    private static Deployer.Dialer answering(int status) {
        return (host, port) -> new Duplex() {
            final ByteArrayOutputStream sent = new ByteArrayOutputStream();
            public InputStream in() { return new ByteArrayInputStream(("HTTP/1.1 " + status + " X\r\n\r\n").getBytes()); }
            public OutputStream out() { return sent; }
            public void close() { }
        };
    }

    private Deployer deployer(RecordingContainers containers, Deployer.Dialer dialer) {
        return new Deployer(containers, null, Map.of(), dialer, log(), progress(), duration -> { });
    }

    @Test
    void aNewImageWithoutAFixedPortStartsBesideTheOldOneWhichIsRetiredOnceHealthy() {
        var containers = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
        var health = new ApplicationSettings.HealthCheck("/up", 8080, 200, 1, 1, 2, 0);
        var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(null, health)),
                containers.list(Map.of(Labels.APP, APP.toString())), "bridge"));
        assertThat(DeploymentPlanner.describe(plan)).containsExactly(
                "check that the server's Docker network bridge has an address",
                "use image nginx:1.27 (pulled if the server lacks it)",
                "create container web-7-0000000000d7 from nginx:1.27",
                "start web-7-0000000000d7",
                "wait until GET /up on port 8080 answers 200",
                "retire the previous container old1: stop it, sending SIGTERM and waiting up to 10 s before it is killed, and remove it",
                "keep the image as berth/" + APP + ":d7 (the last 2 stay for rollbacks)");
        var outcome = deployer(containers, answering(200)).execute(plan);
        assertThat(outcome.status()).isEqualTo(Deployment.Status.SUCCEEDED);
        assertThat(containers.calls).containsExactly(
                "imagePresent nginx:1.27", "pull nginx:1.27", "create web-7-0000000000d7 nginx:1.27", "start c1", "logs c1",
                "stop old1", "remove old1", "tag " + containers.imageId("nginx:1.27") + " berth/" + APP + ":d7");
        assertThat(statuses).containsExactly(Deployment.Status.PREPARING, Deployment.Status.STARTING, Deployment.Status.HEALTH_CHECKING);
        assertThat(log).as("the container's own start-up output is in the log of a success too")
                .containsSubsequence("berth: healthy: GET /up answered 200", "berth: the container's output during start-up:", "stdout: last words of c1");
        var spec = containers.specs.get("c1");
        assertThat(spec.labels()).containsEntry(Labels.APP, APP.toString()).containsEntry(Labels.DEPLOYMENT, DEPLOYMENT.toString())
                .containsEntry(Labels.TEAM, TEAM.toString());
        assertThat(spec.env().get("A").value()).isEqualTo("1");
        assertThat(spec.toString()).doesNotContain("A=1"); // env values print as ***
    }

    @Test
    void behindTheProxyOnTheHostNetworkTheNewVersionListensOnItsOwnPortAndTakesOverOnlyAfterItsCheck() {
        var containers = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
        containers.images.add("nginx:1.27");
        var health = new ApplicationSettings.HealthCheck("/up", 8080, 200, 1, 1, 2, 0);
        var in = input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(null, health)),
                containers.list(Map.of(Labels.APP, APP.toString())), "host");
        var proxied = new DeploymentPlanner.Input(in.teamId(), in.applicationId(), in.deploymentId(), in.number(), in.snapshot(), in.environment(),
                in.previous(), in.network(), null, 2, Duration.ofSeconds(1), new DeploymentPlanner.Proxied(31007, Duration.ofSeconds(3)));
        var plan = DeploymentPlanner.plan(proxied);
        assertThat(DeploymentPlanner.describe(plan)).containsExactly(
                "use image nginx:1.27 (pulled if the server lacks it)",
                "create container web-7-0000000000d7 from nginx:1.27",
                "start web-7-0000000000d7",
                "wait until GET /up on port 31007 answers 200",
                "switch the proxy's upstream for the application's domains to the new container (port 31007)",
                "let the previous container(s) finish their requests for 3 s",
                "retire the previous container old1: stop it, sending SIGTERM and waiting up to 10 s before it is killed, and remove it",
                "keep the image as berth/" + APP + ":d7 (the last 2 stay for rollbacks)");
        var switched = new ArrayList<String>();
        var dialed = new ArrayList<Integer>();
        Deployer.Dialer dialer = (host, port) -> {
            dialed.add(port);
            return answering(200).dial(host, port);
        };
        var outcome = deployer(containers, dialer).withSwitcher((address, port) -> switched.add(address + ":" + port)).execute(plan);
        assertThat(outcome.status()).isEqualTo(Deployment.Status.SUCCEEDED);
        assertThat(dialed).containsOnly(31007);
        assertThat(switched).containsExactly("127.0.0.1:31007");
        assertThat(containers.specs.get("c1").env().get("PORT").value()).isEqualTo("31007");
        assertThat(containers.calls).containsSubsequence("start c1", "stop old1", "remove old1").doesNotContain("stop old1 first");
        assertThat(containers.calls.indexOf("stop old1")).isGreaterThan(containers.calls.indexOf("start c1"));

        // the proxy refusing the switch: the new container goes, the old one was never touched and keeps serving
        var again = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
        again.images.add("nginx:1.27");
        var refused = deployer(again, answering(200)).withSwitcher((address, port) -> {
            throw new IllegalStateException("the proxy refused the configuration");
        }).execute(plan);
        assertThat(refused.status()).isEqualTo(Deployment.Status.FAILED);
        assertThat(refused.reason()).contains("the proxy could not be switched");
        assertThat(again.calls).contains("remove c1").doesNotContain("stop old1", "remove old1");

        // a switch that may have been taken although it failed: the new container is kept (and so is the old one)
        var uncertain = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
        uncertain.images.add("nginx:1.27");
        var unsure = deployer(uncertain, answering(200)).withSwitcher((address, port) -> {
            throw new Deployer.Uncertain("no answer within 10 s");
        }).execute(plan);
        assertThat(unsure.status()).isEqualTo(Deployment.Status.FAILED);
        assertThat(uncertain.calls).doesNotContain("remove c1", "stop old1", "remove old1");

        // a failing health check never switches
        var failing = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
        failing.images.add("nginx:1.27");
        var unswitched = new ArrayList<String>();
        var failed = deployer(failing, answering(500)).withSwitcher((address, port) -> unswitched.add(address)).execute(plan);
        assertThat(failed.status()).isEqualTo(Deployment.Status.FAILED);
        assertThat(unswitched).isEmpty();
        assertThat(failing.calls).doesNotContain("stop old1");
    }

    @Test
    void aRunTakenOverAfterItsSwitchOnlyRetiresThePreviousContainersAsTheApplicationStopsThem() {
        var previous = List.of(new dev.berth.execution.Containers.Container("old1", "web-6-x", Map.of(), true, "nginx:1.27"));
        var base = settings(null, null);
        var settings = new ApplicationSettings(base.ports(), null, null, base.restartPolicy(), null, null, Map.of(), List.of(),
                ApplicationSettings.StopSignal.SIGQUIT, 3, null);
        var snapshot = snapshot(new ApplicationSource.Image("nginx:1.27", null), settings);
        assertThat(DeploymentPlanner.describe(DeploymentPlanner.retireOnly(snapshot, previous))).containsExactly(
                "retire the previous container web-6-x: stop it, sending SIGQUIT and waiting up to 3 s before it is killed, and remove it");
        assertThat(DeploymentPlanner.retireOnly(snapshot, List.of()).steps()).isEmpty();
    }

    @Test
    void behindTheProxyWithoutAHealthCheckTheSwitchWaitsUntilThePortAcceptsConnections() {
        var containers = new RecordingContainers();
        containers.images.add("nginx:1.27");
        var in = input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(null, null)), List.of(), "host");
        var plan = DeploymentPlanner.plan(new DeploymentPlanner.Input(in.teamId(), in.applicationId(), in.deploymentId(), in.number(), in.snapshot(),
                in.environment(), List.of(), "host", null, 2, Duration.ofSeconds(1), new DeploymentPlanner.Proxied(31008, Duration.ofSeconds(3))));
        assertThat(DeploymentPlanner.describe(plan)).containsSubsequence("check the container is still running after 1 s",
                "wait until the container accepts connections on port 31008 (within 60 s)",
                "switch the proxy's upstream for the application's domains to the new container (port 31008)");
        var attempts = new java.util.concurrent.atomic.AtomicInteger();
        var switched = new ArrayList<String>();
        Deployer.Dialer slowToListen = (host, port) -> {
            if (attempts.incrementAndGet() < 3) throw new java.io.IOException("refused");
            return answering(200).dial(host, port);
        };
        var outcome = deployer(containers, slowToListen).withSwitcher((address, port) -> switched.add(address + ":" + port)).execute(plan);
        assertThat(outcome.status()).isEqualTo(Deployment.Status.SUCCEEDED);
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(switched).containsExactly("127.0.0.1:31008");
        // never listening: no switch, the deployment fails
        var never = new RecordingContainers();
        never.images.add("nginx:1.27");
        var unswitched = new ArrayList<String>();
        var quick = new DeploymentPlan(plan.steps().stream().map(step -> step instanceof DeploymentPlan.AwaitListening l
                ? new DeploymentPlan.AwaitListening(l.port(), Duration.ofMillis(600)) : step).toList());
        var failed = deployer(never, (host, port) -> { throw new java.io.IOException("refused"); })
                .withSwitcher((address, port) -> unswitched.add(address)).execute(quick);
        assertThat(failed.status()).isEqualTo(Deployment.Status.FAILED);
        assertThat(failed.reason()).contains("did not accept connections on port 31008");
        assertThat(unswitched).isEmpty();
    }

    @Test
    void theApplicationsStopSignalAndGracePeriodGoToTheContainerAndEveryStopOfThePreviousOne() {
        var containers = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
        containers.images.add("nginx:1.27");
        var base = settings(8080, null);
        var settings = new ApplicationSettings(base.ports(), null, null, base.restartPolicy(), null, null, Map.of(), List.of(),
                ApplicationSettings.StopSignal.SIGQUIT, 3, null);
        var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings),
                containers.list(Map.of(Labels.APP, APP.toString())), "bridge"));
        assertThat(DeploymentPlanner.describe(plan)).contains(
                "stop the previous container old1 first (a fixed host port or the host network allows one at a time), "
                        + "sending SIGQUIT and waiting up to 3 s before it is killed",
                "retire the previous container old1: stop it, sending SIGQUIT and waiting up to 3 s before it is killed, and remove it");
        assertThat(deployer(containers, answering(200)).execute(plan).status()).isEqualTo(Deployment.Status.SUCCEEDED);
        assertThat(containers.graces).as("each stop of the previous container waits the application's grace period")
                .containsEntry("old1", Duration.ofSeconds(3));
        var spec = containers.specs.get("c1");
        assertThat(spec.stopSignal()).isEqualTo("SIGQUIT");
        assertThat(spec.stopGraceSeconds()).isEqualTo(3);
        assertThat(log).contains("berth: stopped the previous container old1");

        var defaults = ApplicationSettings.defaults();
        assertThat(defaults.stopSignal()).as("Docker's own default").isEqualTo(ApplicationSettings.StopSignal.SIGTERM);
        assertThat(defaults.stopGracePeriodSeconds()).isEqualTo(10);
        var killing = new ApplicationSettings(List.of(), null, null, base.restartPolicy(), null, null, Map.of(), List.of(),
                ApplicationSettings.StopSignal.SIGKILL, 10, null);
        assertThat(DeploymentPlanner.describe(DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), killing),
                containers.list(Map.of(Labels.APP, APP.toString())), "host")))).anyMatch(s -> s.endsWith("killing it at once (SIGKILL)"));
    }

    @Test
    void aPullThatNeverEndsIsCancelledWithinAQuarterSecondAndTheOldVersionKeepsServing() throws Exception {
        var containers = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
        containers.pullsHang = true;
        var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(8080, null)),
                containers.list(Map.of(Labels.APP, APP.toString())), "bridge"));
        var outcome = new java.util.concurrent.atomic.AtomicReference<Deployer.Outcome>();
        var run = Thread.ofVirtual().start(() -> outcome.set(deployer(containers, answering(200)).execute(plan)));
        while (!containers.calls.contains("pull nginx:1.27")) Thread.sleep(5);
        long cancelledAt = System.nanoTime();
        cancelNow = true;
        run.join(Duration.ofSeconds(5));
        assertThat(outcome.get()).as("the run ended after the cancel").isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(Duration.ofSeconds(2));
        assertThat(outcome.get().status()).isEqualTo(Deployment.Status.CANCELLED);
        assertThat(containers.calls).as("the old container was never touched").noneMatch(call -> call.endsWith("old1"));
    }

    /** Every way a step can fail says why in plain words, never with a Java class name. */
    @Test
    void everyFailingStepSaysWhyInPlainWordsWithoutAClassName() {
        var daemon = "Status 500: {\"message\":\"Get \\\"https://registry.example.test/v2/\\\": dial tcp: lookup registry.example.test: no such host\"}\n";
        for (var step : List.of("pull", "create", "start", "stop old1", "remove old1")) {
            boolean afterSwitchOver = step.equals("remove old1"); // housekeeping: the new version serves, and the log says why
            var containers = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
            containers.failWith = new com.github.dockerjava.api.exception.InternalServerErrorException(daemon);
            containers.failing.add(step);
            log.clear();
            var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(8080, null)),
                    containers.list(Map.of(Labels.APP, APP.toString())), "bridge"));
            var outcome = deployer(containers, answering(200)).execute(plan);
            var said = afterSwitchOver ? String.join("\n", log) : outcome.reason();
            assertThat(outcome.status()).as(step).isEqualTo(afterSwitchOver ? Deployment.Status.SUCCEEDED : Deployment.Status.FAILED);
            assertThat(said).as(step).contains("dial tcp: lookup registry.example.test: no such host")
                    .doesNotContain("Status 500").doesNotContain("{\"message\"");
            assertThat(String.join("\n", log) + outcome.reason()).as(step).doesNotContain("Exception");
        }
    }

    /**
     * A step failing while the node stops (the engine's interrupt closed the Docker connection mid-call) hands the
     * deployment over: no FAILED, nothing undone (the taking-over attempt removes what this one made), for every step.
     */
    @Test
    void aStepFailingWhileTheNodeStopsHandsTheDeploymentOverWithoutUndoingAnything() {
        for (var step : List.of("pull", "create", "start", "stop old1")) {
            var containers = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
            containers.failWith = new RuntimeException(new java.nio.channels.ClosedByInterruptException());
            containers.failing.add(step);
            stoppingNow = true;
            var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(8080, null)),
                    containers.list(Map.of(Labels.APP, APP.toString())), "bridge"));
            var outcome = deployer(containers, answering(200)).execute(plan);
            assertThat(outcome).as(step).isSameAs(Deployer.STOPPED);
            assertThat(containers.calls).as(step).doesNotContain("remove c1", "start old1");
            assertThat(Thread.currentThread().isInterrupted()).isFalse();

            // the same failure on a node that is not stopping ends the deployment, and undoes what it did
            stoppingNow = false;
            var again = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
            again.failWith = containers.failWith;
            again.failing.add(step);
            assertThat(deployer(again, answering(200)).execute(plan).status()).as(step).isEqualTo(Deployment.Status.FAILED);
        }
    }

    /** A bridge without an address (dockerd --bridge=none) fails the deployment first, saying what to do; nothing is touched. */
    @Test
    void aNetworkWithoutAnAddressFailsFirstAndSaysToChooseTheHostNetwork() {
        var containers = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
        containers.networks.clear();
        var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(8080, null)),
                containers.list(Map.of(Labels.APP, APP.toString())), "bridge"));
        assertThat(DeploymentPlanner.describe(plan).getFirst()).isEqualTo("check that the server's Docker network bridge has an address");
        var outcome = deployer(containers, answering(200)).execute(plan);
        assertThat(outcome.status()).isEqualTo(Deployment.Status.FAILED);
        assertThat(outcome.reason()).contains("no network bridge with an address").contains("networkMode HOST");
        assertThat(containers.calls).isEmpty();
        assertThat(containers.running("old1")).isTrue();
        // on the host network there is nothing to check
        assertThat(DeploymentPlanner.describe(DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(null, null)),
                List.of(), "host"))).getFirst()).startsWith("use image");
    }

    @Test
    void aHealthyAnswerFromAContainerThatKeepsRestartingIsNotItsOwn() {
        var containers = new RecordingContainers();
        containers.images.add("nginx:1.27");
        containers.crashLooping.add("c1"); // crash-looping on "address already in use" while another process answers
        var health = new ApplicationSettings.HealthCheck("/up", 8080, 200, 1, 1, 2, 0);
        var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(null, health)), List.of(), "host"));
        var outcome = deployer(containers, answering(200)).execute(plan);
        assertThat(outcome.status()).isEqualTo(Deployment.Status.FAILED);
        assertThat(outcome.reason()).contains("keeps restarting").contains("port 8080").contains("not the container's");
        assertThat(containers.calls).endsWith("stop c1", "remove c1");

        // one that restarted once (its database was not up yet) and then stays up is healthy
        var once = new RecordingContainers();
        once.images.add("nginx:1.27");
        once.restartCounts.put("c1", 1);
        assertThat(deployer(once, answering(200)).execute(plan).status()).isEqualTo(Deployment.Status.SUCCEEDED);
        assertThat(log).contains("berth: healthy answer, but the container restarted 1 times: checking again in 1 s");
    }

    @Test
    void aFailedHealthCheckBehindAFixedPortRemovesTheNewContainerAndStartsTheOldOneAgain() {
        var containers = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
        containers.images.add("nginx:1.27");
        var health = new ApplicationSettings.HealthCheck("/up", 8080, 200, 1, 1, 2, 0);
        var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(8080, health)),
                containers.list(Map.of(Labels.APP, APP.toString())), "bridge"));
        var outcome = deployer(containers, answering(503)).execute(plan);
        assertThat(outcome.status()).isEqualTo(Deployment.Status.FAILED);
        assertThat(outcome.reason()).isEqualTo("health check failed 2 times: GET /up on port 8080: HTTP 503");
        assertThat(containers.calls).containsExactly(
                "imagePresent nginx:1.27", "stop old1", "create web-7-0000000000d7 nginx:1.27", "start c1", "logs c1",
                "stop c1", "remove c1", "start old1");
        assertThat(containers.running("old1")).isTrue();
        assertThat(log).containsSubsequence("berth: the container's last output:", "stdout: last words of c1");
    }

    @Test
    void aContainerThatExitsFailsTheDeploymentWithItsLastOutput() {
        var containers = new RecordingContainers();
        containers.images.add("nginx:1.27");
        containers.crashing.add("web-7-0000000000d7");
        var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(null, null)), List.of(), "bridge"));
        var outcome = deployer(containers, answering(200)).execute(plan);
        assertThat(outcome.reason()).isEqualTo("the container exited during start-up");
        assertThat(log).contains("stdout: last words of c1");
        assertThat(containers.calls).endsWith("logs c1", "stop c1", "remove c1");
    }

    @Test
    void aCancelStopsBeforeTheNextStepAndRemovesWhatWasMade() {
        var containers = new RecordingContainers();
        containers.images.add("nginx:1.27");
        cancelAfterCreate = true;
        var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(null, null)), List.of(), "bridge"));
        var outcome = deployer(containers, answering(200)).execute(plan);
        assertThat(outcome.status()).isEqualTo(Deployment.Status.CANCELLED);
        assertThat(containers.calls).containsExactly("imagePresent nginx:1.27", "create web-7-0000000000d7 nginx:1.27", "stop c1", "remove c1");
    }

    @Test
    void aGitSourceIsClonedBuiltWithItsBuildArgumentsAndItsWorkDirectoryRemoved() {
        var containers = new RecordingContainers();
        var workspace = new ArrayList<String>();
        var source = new ApplicationSource.Git("https://git.example.test/acme/web.git", "main", "app/Dockerfile", "app", null);
        var plan = DeploymentPlanner.plan(input(snapshot(source, settings(null, null)), List.of(), "host"));
        var build = (DeploymentPlan.Build) plan.steps().getFirst();
        assertThat(build.workDir()).isEqualTo(".berth/work/" + DEPLOYMENT);
        assertThat(build.dockerfileInContext()).isEqualTo("Dockerfile");
        var fake = new Workspace() {
            public String checkout(DeploymentPlan.Build b, DeploymentLog out) { workspace.add("checkout " + b.ref()); return "abc123"; }
            public Duplex context(DeploymentPlan.Build b) {
                workspace.add("context " + b.context());
                return new Duplex() {
                    public InputStream in() { return new ByteArrayInputStream(new byte[0]); }
                    public OutputStream out() { return OutputStream.nullOutputStream(); }
                    public void close() { }
                };
            }
            public void cleanUp(DeploymentPlan.Build b) { workspace.add("cleanUp " + b.workDir()); }
        };
        var outcome = new Deployer(containers, fake, Map.of("NPM_TOKEN", new dev.berth.secrets.Secret("t0ken")), answering(200), log(), progress(), d -> { })
                .execute(plan);
        assertThat(outcome.status()).isEqualTo(Deployment.Status.SUCCEEDED);
        assertThat(workspace).containsExactly("checkout main", "context app", "cleanUp .berth/work/" + DEPLOYMENT);
        assertThat(containers.calls).startsWith("build Dockerfile as berth/" + APP + ":d7 args [NPM_TOKEN]", "build closed");
        assertThat(statuses).startsWith(Deployment.Status.BUILDING);
    }

    @Test
    void onlyTheLastImagesOfAnApplicationAreKept() {
        var containers = new RecordingContainers();
        containers.images.add("nginx:1.27");
        for (int n = 1; n <= 6; n++) containers.tags.put("berth/" + APP + ":d" + n, "sha256:" + n);
        var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(null, null)), List.of(), "bridge"));
        deployer(containers, answering(200)).execute(plan);
        assertThat(containers.tags.keySet()).containsExactlyInAnyOrder("berth/" + APP + ":d7", "berth/" + APP + ":d6");
    }

    @Test
    void aRollbackImageThatIsGoneFailsWithoutPulling() {
        var containers = new RecordingContainers();
        var snapshot = snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(null, null)).withImage("sha256:gone");
        var outcome = deployer(containers, answering(200)).execute(DeploymentPlanner.plan(input(snapshot, List.of(), "bridge")));
        assertThat(outcome.reason()).isEqualTo("the image sha256:gone is no longer on the server");
        assertThat(containers.calls).containsExactly("imagePresent sha256:gone");
    }

    @Test
    void registryCredentialsGoOnlyToTheirOwnRegistry() {
        var auth = new dev.berth.execution.Containers.RegistryAuth("registry.example.test:5000", "ci", new dev.berth.secrets.Secret("registry-password"));
        for (var image : List.of("127.0.0.1:5999/x/img:1", "registry.example.test:5001/x/img:1", "evil.test/registry.example.test/img:1", "busybox:1")) {
            var containers = new RecordingContainers();
            var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image(image, UUID.randomUUID()), settings(null, null)), List.of(), "bridge"));
            var outcome = deployer(containers, answering(200)).withRegistry(auth).execute(plan);
            assertThat(outcome.status()).as(image).isEqualTo(Deployment.Status.FAILED);
            assertThat(outcome.reason()).as(image).contains("is not on registry.example.test:5000");
            assertThat(containers.calls).as(image).noneMatch(c -> c.startsWith("pull"));
        }
        var containers = new RecordingContainers();
        var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("Registry.Example.Test:5000/x/img:1", UUID.randomUUID()), settings(null, null)), List.of(), "bridge"));
        deployer(containers, answering(200)).withRegistry(auth).execute(plan);
        assertThat(containers.calls).contains("pull Registry.Example.Test:5000/x/img:1 as ci");
    }

    /** After the switch-over nothing undoes the new version: a failing retire or image tag leaves it serving, SUCCEEDED. */
    @Test
    void aFailureAfterTheSwitchOverNeverTakesTheNewVersionDown() {
        for (var failing : List.of("remove old1", "stop old1", "tag", "removeImage")) {
            var containers = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
            containers.tags.put("berth/" + APP + ":d1", "sha256:one"); // an old image to prune (keep 2)
            containers.tags.put("berth/" + APP + ":d2", "sha256:two");
            containers.failing.add(failing);
            var health = new ApplicationSettings.HealthCheck("/up", 8080, 200, 1, 1, 2, 0);
            var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(null, health)),
                    containers.list(Map.of(Labels.APP, APP.toString())), "bridge"));
            log.clear();
            var outcome = deployer(containers, answering(200)).execute(plan);
            assertThat(outcome.status()).as(failing).isEqualTo(Deployment.Status.SUCCEEDED);
            assertThat(containers.running("c1")).as(failing + ": the new container serves").isTrue();
            assertThat(containers.calls).as(failing).doesNotContain("remove c1", "stop c1");
            assertThat(log).as(failing).anyMatch(line -> line.contains("could not") && line.contains("the new version serves"));
        }
    }

    /** A server that accepts the connection and never answers: its reads block until the connection is closed. */
    private static Deployer.Dialer silent(List<String> closed) {
        return (host, port) -> {
            var never = new java.io.PipedInputStream();
            var writer = new java.io.PipedOutputStream(never); // never written
            var once = new java.util.concurrent.atomic.AtomicBoolean();
            return new Duplex() {
                public InputStream in() { return never; }
                public OutputStream out() { return new ByteArrayOutputStream(); }
                public void close() throws java.io.IOException {
                    if (once.compareAndSet(false, true)) closed.add("closed");
                    writer.close();
                    never.close();
                }
            };
        };
    }

    @Test
    void aHealthCheckThatIsNeverAnsweredFailsAtItsDeadlineAndClosesItsConnections() {
        var closed = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var containers = new RecordingContainers();
        var health = new ApplicationSettings.HealthCheck("/up", 8080, 200, 1, 1, 2, 0); // timeout 1 s, 2 retries
        var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(null, health)), List.of(), "bridge"));
        var outcome = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> deployer(containers, silent(closed)).execute(plan));
        assertThat(outcome.status()).isEqualTo(Deployment.Status.FAILED);
        assertThat(outcome.reason()).isEqualTo("health check failed 2 times: GET /up on port 8080: no answer within 1 s");
        assertThat(closed).as("each abandoned connection is closed").hasSize(2);
        assertThat(containers.calls).contains("remove c1");
    }

    @Test
    void aCancelDuringAHealthCheckThatIsNeverAnsweredActsWithinAPoll() {
        var containers = new RecordingContainers().withRunning("old1", Map.of(Labels.APP, APP.toString(), Labels.DEPLOYMENT, "earlier"));
        var health = new ApplicationSettings.HealthCheck("/up", 8080, 200, 1, 3600, 5, 0); // an hour per check
        var plan = DeploymentPlanner.plan(input(snapshot(new ApplicationSource.Image("nginx:1.27", null), settings(8080, health)),
                containers.list(Map.of(Labels.APP, APP.toString())), "bridge"));
        var timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        timer.schedule(() -> cancelNow = true, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            var outcome = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                    () -> deployer(containers, silent(new java.util.ArrayList<>())).execute(plan));
            assertThat(outcome.status()).isEqualTo(Deployment.Status.CANCELLED);
            assertThat(containers.calls).as("the old version serves again").containsSubsequence("stop old1", "remove c1", "start old1");
        } finally {
            timer.shutdownNow();
        }
    }
}
