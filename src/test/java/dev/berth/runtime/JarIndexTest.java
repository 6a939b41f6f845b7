package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.io.service.MicronautMetaServiceLoaderUtils;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's one-pass listing finds what Micronaut's own scan finds, lists folders as the migration check did, and is
 * handed to this Micronaut's service loaders only when the jar is the one place they would have scanned.
 */
class JarIndexTest {
    private static final String REFERENCES = "io.micronaut.inject.BeanDefinitionReference";

    @TempDir
    Path dir;

    private Path jar(String name, String... entries) throws IOException {
        var jar = dir.resolve(name);
        try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (var entry : entries) {
                out.putNextEntry(new ZipEntry(entry));
                out.closeEntry();
            }
        }
        return jar;
    }

    private Path app() throws IOException {
        return jar("app.jar", "META-INF/", "META-INF/micronaut/", "META-INF/micronaut/" + REFERENCES + "/",
                "META-INF/micronaut/" + REFERENCES + "/a.$One$Definition$Reference", "META-INF/micronaut/" + REFERENCES + "/b.$Two$Definition$Reference",
                "META-INF/micronaut/io.micronaut.inject.BeanConfiguration/", "META-INF/micronaut/io.micronaut.inject.BeanConfiguration/a.$BeanConfiguration",
                "db/", "db/migration/", "db/migration/V2__two.sql", "db/migration/V1__one.sql", "db/migration/sub/", "db/migration/sub/x.sql", "db/migration/deep/y.sql",
                "db/migrations-not/", "db/migrations-not/V9__no.sql", "a/One.class", "META-INF/services/java.lang.Runnable");
    }

    private static URLClassLoader loader(Path... jars) throws IOException {
        var urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) urls[i] = jars[i].toUri().toURL();
        return new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void theServicesAreWhatMicronautsOwnScanFinds() throws IOException {
        var jar = app();
        var index = JarIndex.read(jar, List.of());
        try (var loader = loader(jar)) {
            var scanned = MicronautMetaServiceLoaderUtils.findAllMicronautMetaServices(loader);
            assertThat(scanned).as("Micronaut's scan of the jar").isNotEmpty();
            assertThat(index.services()).isEqualTo(scanned);
        }
        assertThat(index.services().get(REFERENCES)).containsExactly("a.$One$Definition$Reference", "b.$Two$Definition$Reference");
    }

    @Test
    void aFolderIsListedByItsDirectChildren() throws IOException {
        var index = JarIndex.read(app(), List.of("db/migration", "nothing/here"));
        assertThat(index.under("db/migration")).as("direct children; a folder also when only what it holds is in the jar")
                .contains(List.of("V1__one.sql", "V2__two.sql", "deep/", "sub/"));
        assertThat(index.under("nothing/here")).contains(List.of());
        assertThat(index.under("db")).as("not asked for when read").isEqualTo(Optional.empty());
    }

    @Test
    void micronautsLoadersReadTheListingHandedToThem() throws IOException {
        var jar = app();
        var index = JarIndex.read(jar, List.of());
        try (var loader = loader(jar)) {
            assertThat(JarIndex.MicronautServices.preload(loader, index)).as("this Micronaut's cache is where it was").isTrue();
            Set<String> found = MicronautMetaServiceLoaderUtils.findMicronautMetaServiceEntries(loader, REFERENCES);
            assertThat(found).as("the very listing handed over, not a scan of its own").isSameAs(index.services().get(REFERENCES));
            assertThat(MicronautMetaServiceLoaderUtils.findMicronautMetaServiceEntries(loader, "not.a.Service")).isEmpty();
        }
    }

    @Test
    void servicesInAnotherPlaceTooLeaveMicronautToScan() throws IOException {
        var jar = app();
        var other = jar("other.jar", "META-INF/micronaut/", "META-INF/micronaut/" + REFERENCES + "/", "META-INF/micronaut/" + REFERENCES + "/c.$Three$Definition$Reference");
        var index = JarIndex.read(jar, List.of());
        try (var loader = loader(jar, other)) {
            assertThat(JarIndex.MicronautServices.preload(loader, index)).isFalse();
            assertThat(MicronautMetaServiceLoaderUtils.findMicronautMetaServiceEntries(loader, REFERENCES)).as("its own scan of both")
                    .containsExactlyInAnyOrder("a.$One$Definition$Reference", "b.$Two$Definition$Reference", "c.$Three$Definition$Reference");
        }
        try (var loader = loader(other)) {
            assertThat(JarIndex.MicronautServices.preload(loader, index)).as("an index of another jar").isFalse();
        }
    }

    @Test
    void startedFromAFolderNothingIsRead() {
        var before = JarIndex.current();
        JarIndex.install(JarIndexTest.class, "db/migration"); // the test classes are a folder
        assertThat(JarIndex.current()).isEqualTo(before);
    }
}
