package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.io.scan.DefaultClassPathResourceLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every path Micronaut's environment may ask for reads from a jar as Micronaut's own loader reads it. */
class JarResourcesTest {
    @TempDir
    Path dir;

    private URLClassLoader jar() throws IOException {
        var jar = dir.resolve("app.jar");
        try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (var entry : List.of("application.yml", "application-dev.properties", "empty.yml", "conf/", "conf/nested.yml", "dir.yml/", "dir.yml/x")) {
                out.putNextEntry(new ZipEntry(entry));
                if (!entry.endsWith("/")) out.write(("content of " + entry).getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    private static Optional<String> text(Optional<InputStream> in) throws IOException {
        if (in.isEmpty()) return Optional.empty();
        try (var stream = in.get()) {
            return Optional.of(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyPathReadsAsMicronautReadsIt() throws IOException {
        try (var loader = jar()) {
            var ours = new JarResources(loader);
            var micronauts = new DefaultClassPathResourceLoader(loader);
            for (var path : List.of("application.yml", "/application.yml", "classpath:application.yml", "application-dev.properties", "empty.yml",
                    "missing.yml", "conf/nested.yml", "conf", "conf/", "dir.yml", "dir.yml/x", "../application.yml", "classpath:/application.yml")) {
                assertThat(text(ours.getResourceAsStream(path))).as(path).isEqualTo(text(micronauts.getResourceAsStream(path)));
            }
            assertThat(text(ours.getResourceAsStream("application.yml"))).contains("content of application.yml");
        }
    }
}
