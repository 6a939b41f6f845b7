package dev.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real dockerd of the test JVM's own (Debian docker.io, started as root with no bridge, no iptables: host
 * network only), with a tiny image built FROM scratch around busybox-static. With BERTH_REQUIRE_DOCKER=1 (CI)
 * a missing daemon fails the run instead of skipping.
 */
public final class TestDocker {
    public static final String IMAGE = "berth-test/busybox:1";
    private static TestDocker instance;

    private final Path dir;
    private final Process process;

    private TestDocker(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    public static synchronized TestDocker get() {
        if (instance == null) {
            var dockerd = List.of(Path.of("/usr/sbin/dockerd"), Path.of("/usr/bin/dockerd")).stream().filter(Files::isExecutable).findFirst();
            if (dockerd.isEmpty() || !"root".equals(System.getProperty("user.name"))) {
                if ("1".equals(System.getenv("BERTH_REQUIRE_DOCKER"))) {
                    throw new IllegalStateException("dockerd is required and must run as root (apt-get install docker.io)");
                }
                Assumptions.abort("no dockerd usable here (set BERTH_REQUIRE_DOCKER=1 to make this a failure)");
            }
            try {
                var dir = Files.createTempDirectory("berth-dockerd-");
                var process = new ProcessBuilder(dockerd.get().toString(),
                        "--bridge=none", "--iptables=false", "--ip-forward=false", "--ip-masq=false",
                        "--host", "unix://" + dir.resolve("docker.sock"),
                        "--data-root", dir.resolve("data").toString(),
                        "--exec-root", dir.resolve("exec").toString(),
                        "--pidfile", dir.resolve("docker.pid").toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
                instance = new TestDocker(dir, process);
                Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
                instance.awaitReady();
                instance.buildImage();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    public String socket() {
        return dir.resolve("docker.sock").toString();
    }

    private void awaitReady() {
        for (int i = 0; i < 150; i++) {
            if (!process.isAlive()) throw new IllegalStateException("dockerd exited: " + log());
            if (docker(List.of("version", "--format", "{{.Server.Version}}"), 10).exit == 0) return;
            sleep(200);
        }
        throw new IllegalStateException("dockerd did not answer: " + log());
    }

    private void buildImage() {
        try {
            var context = Files.createDirectories(dir.resolve("image/bin"));
            Files.copy(Path.of("/bin/busybox"), context.resolve("busybox"));
            for (var applet : List.of("sh", "echo", "sleep", "cat", "printf", "ls", "true", "seq")) {
                Files.createSymbolicLink(context.resolve(applet), Path.of("busybox"));
            }
            Files.writeString(dir.resolve("image/Dockerfile"), "FROM scratch\nCOPY bin /bin\nCMD [\"/bin/sh\"]\n");
            var built = docker(List.of("build", "-q", "-t", IMAGE, dir.resolve("image").toString()), 120);
            if (built.exit != 0) throw new IllegalStateException("image build failed: " + built.output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test engines' images (see scripts/engine-rootfs.sh), by engine: what a database test names as its image. */
    public static final String POSTGRES = "berth-test/postgres:15";
    public static final String MARIADB = "berth-test/mariadb:10";
    public static final String REDIS = "berth-test/redis:7";
    private boolean engines;

    /**
     * Makes the engine images in this daemon (once per test JVM): Debian's own PostgreSQL, MariaDB and Redis from a
     * root filesystem built once and cached outside the clone, imported, then tagged with each engine's command.
     */
    public synchronized void engines() {
        if (engines) return;
        try {
            var script = Path.of("scripts/engine-rootfs.sh").toAbsolutePath();
            var build = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
            if (!build.waitFor(15, TimeUnit.MINUTES)) {
                build.destroyForcibly();
                throw new IllegalStateException("building the engines' root filesystem took over 15 minutes");
            }
            var output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (build.exitValue() != 0) throw new IllegalStateException("building the engines' root filesystem failed: " + output);
            var tarball = output.lines().reduce((a, b) -> b).orElseThrow();
            var imported = docker(List.of("import", tarball, "berth-test/engines:bookworm"), 600);
            if (imported.exit != 0) throw new IllegalStateException("docker import failed: " + imported.output);
            for (var image : Map.of(POSTGRES, "postgres", MARIADB, "mariadbd", REDIS, "redis-server").entrySet()) {
                var context = Files.createDirectories(dir.resolve("engine-" + image.getValue()));
                Files.copy(Path.of("scripts/engine-entrypoint.sh"), context.resolve("docker-entrypoint.sh"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(context.resolve("Dockerfile"), "FROM berth-test/engines:bookworm\n"
                        + "COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh\n"
                        + "ENTRYPOINT [\"/usr/local/bin/docker-entrypoint.sh\"]\nCMD [\"" + image.getValue() + "\"]\n");
                var built = docker(List.of("build", "-q", "-t", image.getKey(), context.toString()), 120);
                if (built.exit != 0) throw new IllegalStateException("image build failed: " + built.output);
            }
            engines = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Debian's Caddy in a small image: its binary and the libraries it links (libc, libzstd), nothing else. */
    public static final String CADDY = "berth-test/caddy:2.6";
    private boolean caddy;

    /** Makes {@link #CADDY} in this daemon (once per test JVM) from the host's /usr/bin/caddy (Debian's caddy package). */
    public synchronized void caddy() {
        if (caddy) return;
        try {
            var binary = Path.of("/usr/bin/caddy");
            if (!Files.isExecutable(binary)) throw new IllegalStateException("caddy is required (apt-get install caddy)");
            var root = Files.createDirectories(dir.resolve("caddy/root"));
            var files = new java.util.ArrayList<>(List.of(binary));
            var ldd = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true).start();
            var linked = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ldd.waitFor(30, TimeUnit.SECONDS);
            for (var line : linked.lines().toList()) {
                var matcher = java.util.regex.Pattern.compile("(/\\S+)").matcher(line.contains("=>") ? line.substring(line.indexOf("=>")) : line);
                if (matcher.find()) files.add(Path.of(matcher.group(1)));
            }
            for (var file : files) {
                var target = root.resolve(file.toString().substring(1));
                Files.createDirectories(target.getParent());
                Files.copy(file.toRealPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                target.toFile().setExecutable(true);
            }
            for (var empty : List.of("tmp", "data", "config", "etc/caddy")) Files.createDirectories(root.resolve(empty));
            Files.writeString(dir.resolve("caddy/Dockerfile"), "FROM scratch\nCOPY root /\nENV XDG_DATA_HOME=/data XDG_CONFIG_HOME=/config\n"
                    + "CMD [\"caddy\", \"version\"]\n");
            var built = docker(List.of("build", "-q", "-t", CADDY, dir.resolve("caddy").toString()), 120);
            if (built.exit != 0) throw new IllegalStateException("caddy image build failed: " + built.output);
            caddy = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Run(int exit, String output) {}

    private Run docker(List<String> args, int timeoutSeconds) {
        try {
            var command = new java.util.ArrayList<>(List.of("docker", "-H", "unix://" + socket()));
            command.addAll(args);
            var builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("DOCKER_BUILDKIT", "0");
            var p = builder.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "timeout");
            }
            return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Run(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("dockerd.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void stop() {
        process.destroy();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirs.delete(dir);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
