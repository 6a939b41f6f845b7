package dev.berth.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The seams hold: SSH (sshj) is used only inside execution/, only SshjRemoteShell connects and renders
 * command lines (through ShellLine), and Berth starts no local processes. A source scan in the spirit of an
 * ArchUnit rule.
 */
class ConfinementTest {
    private static final Path MAIN = Path.of("src/main/java");

    private static List<Path> sources() {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        }  catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void onlyTheExecutionPackageImportsSshj() {
        var offenders = sources().stream()
                .filter(f -> read(f).matches("(?s).*import (net\\.schmizz|com\\.hierynomus)\\..*"))
                .filter(f -> !f.startsWith(MAIN.resolve("dev/berth/execution")))
                .toList();
        assertThat(offenders).isEmpty();
    }

    @Test
    void onlySshjRemoteShellOpensSshConnections() {
        var offenders = sources().stream()
                .filter(f -> read(f).contains("new SSHClient("))
                .filter(f -> !f.endsWith("SshjRemoteShell.java"))
                .toList();
        assertThat(offenders).isEmpty();
    }

    @Test
    void onlyShellLineRendersCommandLinesAndNothingStartsLocalProcesses() {
        var offenders = sources().stream()
                .filter(f -> { var s = read(f); return s.contains("new ProcessBuilder(") || s.contains("Runtime.getRuntime().exec("); })
                .toList();
        assertThat(offenders).isEmpty();
        var renderers = sources().stream().filter(f -> read(f).contains("ShellLine.render(")).map(f -> f.getFileName().toString()).toList();
        assertThat(renderers).containsOnly("SshjRemoteShell.java");
    }
}
