package dev.berth.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.berth.testing.Hostile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile arguments pass through a real /bin/sh unchanged, and nothing in them runs. */
class ShellLineTest {
    static final Path CANARY = Hostile.CANARY;

    static List<String> hostile() {
        return Hostile.arguments();
    }

    /** Runs the rendered line in a real /bin/sh and returns what printf printed. */
    static String viaShell(String line) throws Exception {
        var process = new ProcessBuilder("/bin/sh", "-c", line).redirectErrorStream(true).start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void everyArgumentReachesTheProcessUnchanged(String argument) throws Exception {
        var line = ShellLine.render(Argv.of("printf", "%s", argument));
        assertThat(viaShell(line)).isEqualTo(argument);
        assertThat(Files.exists(CANARY)).as("canary created by " + line).isFalse();
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void severalHostileArgumentsStaySeparate(String argument) throws Exception {
        var line = ShellLine.render(Argv.of("printf", "[%s]", argument, argument));
        assertThat(viaShell(line)).isEqualTo("[" + argument + "][" + argument + "]");
        assertThat(Files.exists(CANARY)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void plainArgumentsAreLeftReadable() {
        assertThat(ShellLine.render(Argv.of("docker", "ps", "--filter", "label=berth.app=shop"))).isEqualTo("docker ps --filter label=berth.app=shop");
    }

    @org.junit.jupiter.api.Test
    void aNulByteIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> Argv.of("echo", "a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Argv(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
