package dev.berth.execution;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import io.micronaut.core.annotation.Nullable;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@link Containers} over docker-java's typed API, for one server's daemon (local socket or SSH bridge). */
public final class DockerContainers implements Containers {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DockerContainers.class);
    private final DockerClient docker;

    public DockerContainers(DockerClient docker) {
        this.docker = docker;
    }

    @Override
    public boolean imagePresent(String reference) {
        try {
            docker.inspectImageCmd(reference).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    @Override
    public void pull(String reference, @Nullable RegistryAuth auth, Lines out, java.util.function.BooleanSupplier stop) {
        var command = docker.pullImageCmd(reference);
        if (auth != null) {
            command = command.withAuthConfig(new AuthConfig().withRegistryAddress(auth.server())
                    .withUsername(auth.username()).withPassword(auth.password().value()));
        }
        // docker-java's awaitCompletion(timeout) closes the stream when it times out: poll a latch of our own instead
        var ended = new java.util.concurrent.CountDownLatch(1);
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        var pulling = command.exec(new ResultCallback.Adapter<PullResponseItem>() {
            @Override
            public void onNext(PullResponseItem item) {
                if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
                    failure.compareAndSet(null, new IllegalStateException(item.getErrorDetail().getMessage()));
                } else if (item.getStatus() != null && item.getProgressDetail() == null) {
                    out.line("stdout", (item.getId() == null ? "" : item.getId() + ": ") + item.getStatus());
                }
            }

            @Override
            public void onError(Throwable error) {
                failure.compareAndSet(null, error);
                ended.countDown();
            }

            @Override
            public void onComplete() {
                ended.countDown();
            }
        });
        long deadline = System.nanoTime() + PULL_WITHIN.toNanos();
        try {
            while (!ended.await(250, TimeUnit.MILLISECONDS)) {
                if (stop.getAsBoolean()) {
                    closeQuietly(pulling); // the daemon stops the pull with the connection
                    throw new Stopped();
                }
                if (System.nanoTime() - deadline > 0) {
                    closeQuietly(pulling);
                    throw new IllegalStateException("the pull of " + reference + " did not finish within " + PULL_WITHIN.toMinutes() + " minutes");
                }
            }
        } catch (InterruptedException e) {
            closeQuietly(pulling);
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
        if (failure.get() != null) {
            var error = failure.get();
            throw error instanceof RuntimeException runtime ? runtime : new IllegalStateException(error.getMessage(), error);
        }
    }

    /** The longest a pull may take. */
    static final Duration PULL_WITHIN = Duration.ofMinutes(30);

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (java.io.IOException | RuntimeException ignored) {
            // closing anyway
        }
    }

    @Override
    public String imageId(String reference) {
        return docker.inspectImageCmd(reference).exec().getId();
    }

    @Override
    public void tag(String image, String repository, String tag) {
        docker.tagImageCmd(image, repository, tag).withForce(true).exec();
    }

    @Override
    public Building build(java.io.InputStream context, String dockerfile, String tag, Map<String, dev.berth.secrets.Secret> buildArgs, Lines out) {
        var command = docker.buildImageCmd(context).withDockerfilePath(dockerfile).withTags(java.util.Set.of(tag)).withPull(false).withRemove(true)
                .withForcerm(true); // a failed build leaves no intermediate container behind either
        buildArgs.forEach((key, value) -> command.withBuildArg(key, value.value()));
        // docker-java's awaitCompletion(timeout) closes the stream when it times out: poll a latch of our own instead
        var ended = new java.util.concurrent.CountDownLatch(1);
        var callback = command.exec(new com.github.dockerjava.api.command.BuildImageResultCallback() {
            private final LineSplitter stdout = new LineSplitter("stdout", out);

            @Override
            public void onNext(com.github.dockerjava.api.model.BuildResponseItem item) {
                if (item.getStream() != null) stdout.text(item.getStream());
                if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) out.line("stderr", item.getErrorDetail().getMessage());
                else if (item.getError() != null) out.line("stderr", item.getError());
                super.onNext(item);
            }

            @Override
            public void onComplete() {
                stdout.end();
                super.onComplete();
                ended.countDown();
            }

            @Override
            public void onError(Throwable failure) {
                out.line("stderr", "the build stream broke: " + Reasons.plain(failure));
                super.onError(failure);
                ended.countDown();
            }
        });
        return new Building() {
            public boolean await(Duration timeout) throws InterruptedException {
                return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }

            public String imageId() {
                return callback.awaitImageId();
            }

            public void close() {
                try {
                    callback.close(); // closes the connection: the daemon aborts the build
                } catch (java.io.IOException ignored) {
                    // closing anyway
                }
            }
        };
    }

    @Override
    public List<Image> images(String repository) {
        // the reference filter, every tag of the repository (withImageNameFilter sends the old "filter" parameter, which
        // daemons since API 1.41 ignore: they answered every image); and only the repository's own tags are kept
        return docker.listImagesCmd().withReferenceFilter(repository + ":*").exec().stream()
                .map(i -> new Image(i.getId(), i.getRepoTags() == null ? List.of()
                        : java.util.Arrays.stream(i.getRepoTags()).filter(tag -> tag.startsWith(repository + ":")).toList(),
                        i.getCreated() == null ? 0 : i.getCreated()))
                .filter(image -> !image.tags().isEmpty()) // the filter also answers an image that merely had such a tag
                .sorted(java.util.Comparator.comparingLong(Image::created).reversed())
                .toList();
    }

    @Override
    public void removeImage(String reference) {
        try {
            docker.removeImageCmd(reference).withNoPrune(false).exec();
        } catch (NotFoundException gone) {
            // gone already
        } catch (com.github.dockerjava.api.exception.ConflictException inUse) {
            LOG.info("event=image-kept reference={} reason={}", reference, Reasons.plain(inUse)); // a container still uses it
        }
    }

    @Override
    public String create(ContainerSpec spec) {
        var env = new ArrayList<String>();
        spec.env().forEach((key, value) -> env.add(key + "=" + value.value()));
        var exposed = new ArrayList<ExposedPort>();
        var bindings = new Ports();
        for (var port : spec.ports()) {
            var exposedPort = ExposedPort.tcp(port.containerPort());
            exposed.add(exposedPort);
            if (port.hostPort() != null) bindings.bind(exposedPort, Ports.Binding.bindPort(port.hostPort()));
        }
        var host = HostConfig.newHostConfig()
                .withNetworkMode(spec.network())
                .withRestartPolicy(restart(spec.restartPolicy()))
                .withBinds(spec.volumes().stream().map(m -> new Bind(m.volume(), new Volume(m.path()))).toList());
        if (!"host".equals(spec.network())) host.withPortBindings(bindings);
        if (spec.cpuLimit() != null) host.withNanoCPUs((long) (spec.cpuLimit() * 1_000_000_000L));
        if (spec.memoryLimitMiB() != null) host.withMemory(spec.memoryLimitMiB() * 1024L * 1024L);
        var create = docker.createContainerCmd(spec.image())
                .withName(spec.name())
                .withLabels(spec.labels())
                .withEnv(env)
                .withExposedPorts(exposed)
                .withStopSignal(spec.stopSignal())
                .withStopTimeout(spec.stopGraceSeconds())
                .withHostConfig(host);
        if (spec.command() != null) create.withCmd(spec.command());
        return create.exec().getId();
    }

    private static RestartPolicy restart(String policy) {
        return switch (policy) {
            case "ALWAYS" -> RestartPolicy.alwaysRestart();
            case "ON_FAILURE" -> RestartPolicy.onFailureRestart(5);
            case "NO" -> RestartPolicy.noRestart();
            default -> RestartPolicy.unlessStoppedRestart();
        };
    }

    @Override
    public ExecResult exec(String id, List<String> argv, Map<String, dev.berth.secrets.Secret> env, Duration timeout, int maxBytes) {
        var vars = new ArrayList<String>();
        env.forEach((key, value) -> vars.add(key + "=" + value.value()));
        var created = docker.execCreateCmd(id).withCmd(argv.toArray(String[]::new)).withEnv(vars)
                .withAttachStdout(true).withAttachStderr(true).exec();
        var stdout = new BoundedText(maxBytes);
        var stderr = new BoundedText(maxBytes);
        var callback = docker.execStartCmd(created.getId()).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                (frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR ? stderr : stdout).add(frame.getPayload());
            }
        });
        try {
            if (!callback.awaitCompletion(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                closeQuietly(callback);
                return new ExecResult(-1, stdout.text(), stderr.text());
            }
        } catch (InterruptedException e) {
            closeQuietly(callback);
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
        Long exit = docker.inspectExecCmd(created.getId()).exec().getExitCodeLong();
        return new ExecResult(exit == null ? -1 : exit.intValue(), stdout.text(), stderr.text());
    }

    @Override
    public ExecResult execTo(String id, List<String> argv, Map<String, dev.berth.secrets.Secret> env, java.io.OutputStream stdout, Duration timeout,
                             int maxStderrBytes) throws java.io.IOException {
        var vars = new ArrayList<String>();
        env.forEach((key, value) -> vars.add(key + "=" + value.value()));
        var created = docker.execCreateCmd(id).withCmd(argv.toArray(String[]::new)).withEnv(vars)
                .withAttachStdout(true).withAttachStderr(true).exec();
        var stderr = new BoundedText(maxStderrBytes);
        var failed = new java.util.concurrent.atomic.AtomicReference<java.io.IOException>();
        var callback = docker.execStartCmd(created.getId()).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                if (frame.getPayload() == null || failed.get() != null) return;
                if (frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR) {
                    stderr.add(frame.getPayload());
                    return;
                }
                try {
                    stdout.write(frame.getPayload()); // blocks while the destination is slow: the daemon waits
                } catch (java.io.IOException e) {
                    failed.set(e);
                    closeQuietly(this);
                }
            }
        });
        try {
            if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                closeQuietly(callback);
                return new ExecResult(-1, "", stderr.text());
            }
        } catch (InterruptedException e) {
            closeQuietly(callback);
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
        if (failed.get() != null) throw failed.get();
        Long exit = docker.inspectExecCmd(created.getId()).exec().getExitCodeLong();
        return new ExecResult(exit == null ? -1 : exit.intValue(), "", stderr.text());
    }

    @Override
    public void copyInto(String id, String directory, String fileName, long size, java.io.InputStream content) {
        try {
            var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(fileName);
            entry.setSize(size);
            entry.setMode(0600);
            var header = new byte[512];
            // star mode writes sizes of 8 GiB and more in base-256 (the plain header would say 0); Docker reads it
            entry.writeEntryHeader(header, org.apache.commons.compress.archivers.zip.ZipEncodingHelper.getZipEncoding("UTF-8"), true);
            long padding = (512 - size % 512) % 512;
            var tar = new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                    new java.io.ByteArrayInputStream(header), org.apache.commons.io.input.BoundedInputStream.builder()
                            .setInputStream(content).setMaxCount(size).get(),
                    new java.io.ByteArrayInputStream(new byte[(int) padding + 1024]))));
            docker.copyArchiveToContainerCmd(id).withRemotePath(directory).withTarInputStream(tar).exec();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, byte[]> readFiles(String id, String path, int maxBytes) {
        var files = new java.util.LinkedHashMap<String, byte[]>();
        try (var archive = docker.copyArchiveFromContainerCmd(id, path).exec();
             var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(archive)) {
            long total = 0;
            int entries = 0;
            org.apache.commons.compress.archivers.tar.TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (++entries > 10_000) break; // directories and names count too
                if (!entry.isFile()) continue;
                if (entry.getSize() < 0) break;
                total += entry.getSize();
                if (entry.getSize() > maxBytes || total > maxBytes) break;
                files.put(entry.getName(), tar.readNBytes((int) entry.getSize()));
            }
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return Map.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return files;
    }

    /** Output kept up to a number of bytes; the rest is counted, not kept. */
    private static final class BoundedText {
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        private final int max;

        BoundedText(int max) {
            this.max = max;
        }

        synchronized void add(byte[] bytes) {
            int room = max - kept.size();
            if (room > 0) kept.write(bytes, 0, Math.min(room, bytes.length));
        }

        synchronized String text() {
            return kept.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Override
    public void removeVolume(String name) {
        try {
            docker.removeVolumeCmd(name).exec();
        } catch (NotFoundException gone) {
            // already removed
        }
    }

    @Override
    public void start(String id) {
        docker.startContainerCmd(id).exec();
    }

    @Override
    public void stop(String id, Duration grace) {
        try {
            docker.stopContainerCmd(id).withTimeout((int) grace.toSeconds()).exec();
        } catch (NotFoundException | NotModifiedException gone) {
            // already stopped or removed
        }
    }

    @Override
    public void remove(String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException gone) {
            // already removed
        }
    }

    @Override
    public List<Container> list(Map<String, String> labels) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().stream()
                .map(c -> new Container(c.getId(), c.getNames() == null || c.getNames().length == 0 ? c.getId() : c.getNames()[0].replaceFirst("^/", ""),
                        c.getLabels() == null ? Map.of() : c.getLabels(), "running".equals(c.getState()), c.getImage()))
                .toList();
    }

    @Override
    public String address(String id) {
        var networks = docker.inspectContainerCmd(id).exec().getNetworkSettings().getNetworks();
        if (networks != null) {
            for (var network : networks.values()) {
                if (network.getIpAddress() != null && !network.getIpAddress().isEmpty()) return network.getIpAddress();
            }
        }
        return "127.0.0.1";
    }

    @Override
    public int restarts(String id) {
        try {
            var count = docker.inspectContainerCmd(id).exec().getRestartCount();
            return count == null ? 0 : count;
        } catch (NotFoundException gone) {
            return 0;
        }
    }

    @Override
    public boolean running(String id) {
        try {
            return Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getRunning());
        } catch (NotFoundException gone) {
            return false;
        }
    }

    @Override
    public List<String> networkSubnets(String network) {
        try {
            var ipam = docker.inspectNetworkCmd().withNetworkId(network).exec().getIpam();
            if (ipam == null || ipam.getConfig() == null) return List.of();
            return ipam.getConfig().stream().map(c -> c.getSubnet()).filter(s -> s != null && !s.isBlank()).toList();
        } catch (NotFoundException none) {
            return List.of();
        }
    }

    @Override
    public void logs(String id, int tail, Lines out) {
        try {
            docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(tail).exec(frames(out)).awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (NotFoundException gone) {
            // nothing to show
        }
    }

    @Override
    public Closeable follow(String id, int tail, Lines out) {
        return docker.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).withTail(tail).exec(frames(out));
    }

    /** Splits frames into lines per stream, bounded in bytes whatever the container prints (see {@link LineSplitter}). */
    private static ResultCallback.Adapter<Frame> frames(Lines out) {
        return new ResultCallback.Adapter<>() {
            private final LineSplitter stdout = new LineSplitter("stdout", out);
            private final LineSplitter stderr = new LineSplitter("stderr", out);

            @Override
            public void onNext(Frame frame) {
                var payload = frame.getPayload();
                if (payload == null) return;
                (frame.getStreamType() == com.github.dockerjava.api.model.StreamType.STDERR ? stderr : stdout).bytes(payload, 0, payload.length);
            }

            @Override
            public void onComplete() {
                stdout.end();
                stderr.end();
                super.onComplete();
            }
        };
    }
}
