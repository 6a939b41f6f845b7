package dev.berth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a Node probe of {@code src/test/resources/node/} with the client examples' packages; returns its last JSON line. */
public final class NodeScripts {
    private NodeScripts() {}

    public static JsonNode run(String script, Map<String, String> env, int timeoutSeconds) throws Exception {
        var builder = new ProcessBuilder("node", Path.of("src/test/resources/node", script).toAbsolutePath().toString())
                .redirectErrorStream(true)
                .directory(Path.of("client-examples").toFile());
        builder.environment().put("NODE_MODULES", Path.of("client-examples/node_modules").toAbsolutePath().toString());
        builder.environment().putAll(env);
        var process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(script + " did not finish in " + timeoutSeconds + " s");
        }
        var output = new String(process.getInputStream().readAllBytes()).strip();
        if (process.exitValue() != 0) throw new AssertionError(script + " failed: " + output);
        return new ObjectMapper().readTree(output.substring(output.lastIndexOf('\n') + 1));
    }
}
