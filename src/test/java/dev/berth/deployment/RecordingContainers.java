package dev.berth.deployment;

import dev.berth.execution.ContainerSpec;
import dev.berth.execution.Containers;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A recording fake of the container seam: every call is written down as text; images and containers live in maps. */
final class RecordingContainers implements Containers {
    final List<String> calls = new ArrayList<>();
    final Set<String> images = ConcurrentHashMap.newKeySet();
    final Map<String, Container> containers = new LinkedHashMap<>();
    final Map<String, ContainerSpec> specs = new LinkedHashMap<>();
    /** Containers that stop by themselves right after they start. */
    final Set<String> crashing = ConcurrentHashMap.newKeySet();
    /** Calls (as recorded, e.g. {@code "remove old1"} or a prefix such as {@code "tag"}) that throw as a daemon error would. */
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    /** The grace period of each container's last stop. */
    final Map<String, Duration> graces = new LinkedHashMap<>();
    private int next = 1;

    /** What a failing call throws; by default the daemon's refusal of that call. */
    volatile RuntimeException failWith;

    private void record(String call) {
        calls.add(call);
        if (failing.stream().anyMatch(call::startsWith)) {
            throw failWith != null ? failWith : new IllegalStateException("the daemon refused: " + call);
        }
    }

    RecordingContainers withRunning(String id, Map<String, String> labels) {
        containers.put(id, new Container(id, id, labels, true, "old"));
        return this;
    }

    @Override public boolean imagePresent(String reference) {
        calls.add("imagePresent " + reference);
        return images.contains(reference);
    }

    /** Pulls that never finish by themselves: they wait for their stop, as a pull from a registry that never answers. */
    volatile boolean pullsHang;

    @Override public void pull(String reference, RegistryAuth auth, Lines out, java.util.function.BooleanSupplier stop) {
        record("pull " + reference + (auth == null ? "" : " as " + auth.username()));
        while (pullsHang) {
            if (stop.getAsBoolean()) throw new Stopped();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
        }
        out.line("stdout", "pulled " + reference);
        images.add(reference);
    }

    @Override public String imageId(String reference) {
        return "sha256:" + Integer.toHexString(reference.hashCode());
    }

    /** Tags by name, in the order they were made. */
    final Map<String, String> tags = new LinkedHashMap<>();

    @Override public void tag(String image, String repository, String tag) {
        record("tag " + image + " " + repository + ":" + tag);
        tags.put(repository + ":" + tag, image);
    }

    @Override public Building build(java.io.InputStream context, String dockerfile, String tag, Map<String, dev.berth.secrets.Secret> buildArgs, Lines out) {
        calls.add("build " + dockerfile + " as " + tag + " args " + new java.util.TreeSet<>(buildArgs.keySet()));
        out.line("stdout", "Step 1/1");
        images.add(tag);
        return new Building() {
            public boolean await(Duration timeout) { return true; }
            public String imageId() { return "sha256:built-" + tag; }
            public void close() { calls.add("build closed"); }
        };
    }

    @Override public List<Image> images(String repository) {
        var out = new ArrayList<Image>();
        tags.forEach((tag, id) -> {
            if (tag.startsWith(repository + ":")) out.add(new Image(id, List.of(tag), 0));
        });
        return out;
    }

    @Override public void removeImage(String reference) {
        record("removeImage " + reference);
        tags.remove(reference);
    }

    @Override public String create(ContainerSpec spec) {
        var id = "c" + next++;
        record("create " + spec.name() + " " + spec.image());
        specs.put(id, spec);
        containers.put(id, new Container(id, spec.name(), spec.labels(), false, spec.image()));
        return id;
    }

    @Override public void start(String id) {
        record("start " + id);
        var c = containers.get(id);
        containers.put(id, new Container(id, c.name(), c.labels(), !crashing.contains(c.name()), c.image()));
    }

    @Override public void stop(String id, Duration grace) {
        record("stop " + id);
        graces.put(id, grace);
        var c = containers.get(id);
        if (c != null) containers.put(id, new Container(id, c.name(), c.labels(), false, c.image()));
    }

    @Override public void remove(String id) {
        record("remove " + id);
        containers.remove(id);
    }

    /** Restart counts Docker would report, by container id (none: 0). */
    final Map<String, Integer> restartCounts = new ConcurrentHashMap<>();

    /** Containers whose restart count grows at every look, as a crash loop's does. */
    final Set<String> crashLooping = ConcurrentHashMap.newKeySet();

    @Override public int restarts(String id) {
        return crashLooping.contains(id) ? restartCounts.merge(id, 1, Integer::sum) : restartCounts.getOrDefault(id, 0);
    }

    @Override public List<Container> list(Map<String, String> labels) {
        return containers.values().stream().filter(c -> c.labels().entrySet().containsAll(labels.entrySet())).toList();
    }

    @Override public String address(String id) {
        return "127.0.0.1";
    }

    /** The networks the server's Docker has, with their subnets: the default bridge unless a test takes it away. */
    final Map<String, List<String>> networks = new ConcurrentHashMap<>(Map.of("bridge", List.of("172.17.0.0/16")));

    @Override public List<String> networkSubnets(String network) {
        return networks.getOrDefault(network, List.of());
    }

    @Override public boolean running(String id) {
        var c = containers.get(id);
        return c != null && c.running();
    }

    @Override public void logs(String id, int tail, Lines out) {
        calls.add("logs " + id);
        out.line("stdout", "last words of " + id);
    }

    @Override public Closeable follow(String id, int tail, Lines out) {
        return () -> { };
    }

    @Override public dev.berth.execution.ExecResult exec(String id, List<String> argv, Map<String, dev.berth.secrets.Secret> env,
                                                          java.time.Duration timeout, int maxBytes) {
        calls.add("exec " + id + " " + argv);
        return new dev.berth.execution.ExecResult(0, "", "");
    }

    @Override public void removeVolume(String name) {
        calls.add("removeVolume " + name);
    }

    @Override public dev.berth.execution.ExecResult execTo(String id, List<String> argv, Map<String, dev.berth.secrets.Secret> env,
                                                            java.io.OutputStream stdout, java.time.Duration timeout, int maxStderrBytes) {
        calls.add("execTo " + id + " " + argv);
        return new dev.berth.execution.ExecResult(0, "", "");
    }

    @Override public void copyInto(String id, String directory, String fileName, long size, java.io.InputStream content) {
        calls.add("copyInto " + id + " " + directory + "/" + fileName + " " + size);
    }
}
