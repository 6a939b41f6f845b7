package dev.berth.execution;

import io.micronaut.core.annotation.Nullable;
import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The one narrow seam for Docker work on one server: typed specs in, output lines and states out. The docker-java
 * adapter ({@link DockerContainers}) is the real one; unit tests of planners and executors use a recording fake.
 */
public interface Containers {
    /** Receives output lines (pull progress, build output, container logs) as they come. */
    interface Lines {
        void line(String stream, String text);
    }

    /** Credentials for a private registry, passed to the Engine API (never {@code docker login} on the server). */
    record RegistryAuth(String server, String username, dev.berth.secrets.Secret password) {}

    /** A container Berth created, as the daemon sees it. */
    record Container(String id, String name, Map<String, String> labels, boolean running, @Nullable String image) {}

    boolean imagePresent(String reference);

    /**
     * Pulls an image, reporting progress; {@code auth} may be null. {@code stop} is asked every quarter of a second:
     * once it says so the pull is abandoned (its connection closed, so the daemon stops it) and {@link Stopped} thrown.
     * A pull the daemon refuses throws with the daemon's own words.
     */
    void pull(String reference, @Nullable RegistryAuth auth, Lines out, java.util.function.BooleanSupplier stop);

    /** A long step given up because its caller said stop (a cancel, a node that stops). */
    final class Stopped extends RuntimeException {
        public Stopped() {
            super("stopped", null, false, false);
        }
    }

    /** The image's id ({@code sha256:...}); a rollback runs exactly that image again. */
    String imageId(String reference);

    /** Adds a tag to an image (so a deployment's image outlives a moved tag until it is pruned). */
    void tag(String image, String repository, String tag);

    /** A build under way: finished, cancelled by closing it. */
    interface Building extends Closeable {
        /** True once it ended (waits up to {@code timeout}). */
        boolean await(Duration timeout) throws InterruptedException;

        /** The built image's id; throws with the build's own error when it failed. */
        String imageId();

        @Override
        void close();
    }

    /**
     * Builds an image from a tar stream of the context (read as the daemon takes it), tagged {@code tag}; build
     * arguments go through the Engine API, never argv. Output lines go to {@code out}.
     */
    Building build(java.io.InputStream context, String dockerfile, String tag, Map<String, dev.berth.secrets.Secret> buildArgs, Lines out);

    /** Images of a repository ({@code berth/<application>}), newest first: their ids and tags. */
    List<Image> images(String repository);

    /** An image and its tags. */
    record Image(String id, List<String> tags, long created) {}

    /** Removes an image tag (and the image when nothing else uses it); a missing or used one is left alone. */
    void removeImage(String reference);

    /** Creates the container and returns its id. */
    String create(ContainerSpec spec);

    void start(String id);

    /** Stops (SIGTERM, then SIGKILL after {@code grace}); a stopped or missing container is fine. */
    void stop(String id, Duration grace);

    /** Removes the container (forced); a missing one is fine. */
    void remove(String id);

    /** Every container, running or not, carrying all of these labels. */
    List<Container> list(Map<String, String> labels);

    /** The container's address as its server sees it: its IP on its network, or 127.0.0.1 on the host network. */
    String address(String id);

    /** How often Docker restarted the container under its restart policy; 0 when it is gone. */
    int restarts(String id);

    /** Whether the container is running now; false when it is gone. */
    boolean running(String id);

    /**
     * The subnets of a Docker network of the server (e.g. {@code 172.17.0.0/16} for the default bridge); empty when
     * there is no such network or it has no address (a daemon started with {@code --bridge=none}).
     */
    List<String> networkSubnets(String network);

    /** The last lines a container printed (stdout and stderr), at most {@code tail}. */
    void logs(String id, int tail, Lines out);

    /** Follows a container's output until the returned handle is closed or the container ends. */
    Closeable follow(String id, int tail, Lines out);

    /**
     * Runs {@code argv} inside a running container and waits at most {@code timeout} for it to end; {@code env}
     * reaches it through the Engine API, never argv. Output kept is at most {@code maxBytes} per stream. A command
     * still running at the deadline is abandoned (its connection closed) and reported as exit code -1.
     */
    ExecResult exec(String id, List<String> argv, Map<String, dev.berth.secrets.Secret> env, Duration timeout, int maxBytes);

    /** Removes a named volume; a missing one is fine. */
    void removeVolume(String name);

    /**
     * As {@link #exec}, but its stdout goes to {@code stdout} as it comes (a slow {@code stdout} slows the command: nothing
     * is held in Berth); the result's stdout is empty. A failure writing to {@code stdout} ends the command and is
     * thrown.
     */
    ExecResult execTo(String id, List<String> argv, Map<String, dev.berth.secrets.Secret> env, java.io.OutputStream stdout, Duration timeout,
                      int maxStderrBytes) throws java.io.IOException;

    /** Writes {@code size} bytes of {@code content} to {@code directory/fileName} inside the container (streamed). */
    void copyInto(String id, String directory, String fileName, long size, java.io.InputStream content);

    /**
     * The regular files under {@code path} inside the container (a directory, read through the Engine API's archive),
     * by their path in the archive; at most {@code maxBytes} in all: beyond that the rest is left unread.
     */
    default Map<String, byte[]> readFiles(String id, String path, int maxBytes) {
        throw new UnsupportedOperationException("readFiles");
    }
}
