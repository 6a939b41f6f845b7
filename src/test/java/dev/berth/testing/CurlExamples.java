package dev.berth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the curl examples of one folder of client-examples/curl against a test server, as a user would (BERTH_URL,
 * BERTH_TOKEN), remembering which ran: {@link #assertEveryOneRan()} holds a test class to running all of its folder.
 */
public final class CurlExamples {
    private static final Path EXAMPLES = Path.of("client-examples").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String folder;
    private final Set<String> ran = ConcurrentHashMap.newKeySet();

    /** {@code folder}: under client-examples/curl, e.g. {@code proxy}. */
    public CurlExamples(String folder) {
        this.folder = folder;
    }

    /** Runs {@code name} with these arguments (and extra environment); what it printed: a GraphQL answer's data, or other JSON. */
    public JsonNode run(int port, String token, Map<String, String> env, String name, String... args) throws Exception {
        ran.add(name);
        var command = new ArrayList<>(List.of("bash", "curl/" + folder + "/" + name));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).directory(EXAMPLES.toFile());
        builder.environment().put("BERTH_URL", "http://127.0.0.1:" + port);
        builder.environment().put("BERTH_TOKEN", token);
        builder.environment().putAll(env);
        var out = Files.createTempFile("example", ".out");
        var err = Files.createTempFile("example", ".err");
        try {
            var process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not finish");
            }
            assertThat(process.exitValue()).as(name + ": " + Files.readString(err) + Files.readString(out)).isZero();
            var printed = JSON.readTree(Files.readString(out));
            assertThat(printed.has("errors")).as(name + ": " + printed).isFalse();
            return printed.has("data") ? printed.path("data") : printed;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    public void assertEveryOneRan() throws java.io.IOException {
        try (var scripts = Files.list(EXAMPLES.resolve("curl").resolve(folder))) {
            assertThat(ran).as(folder + " examples no test runs").containsAll(scripts.map(p -> p.getFileName().toString()).toList());
        }
    }
}
