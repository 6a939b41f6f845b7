package dev.berth.runtime;

import io.micronaut.core.io.scan.DefaultClassPathResourceLoader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The class-path loader Micronaut's environment reads its configuration files with ({@code application.yml} and the
 * like), reading a file at the top of the application jar through the class loader. Micronaut's own loader opens the
 * jar as a zip file system for each file it reads there, which indexes all of its ~42,000 entries (0.17–0.22 s on two
 * cores, on the main thread, early in every start), and closes it again; the class loader reads the entry from the
 * central directory the JDK already holds. Anything else (a folder, a path, a file outside a jar) is Micronaut's.
 */
public final class JarResources extends DefaultClassPathResourceLoader {
    /** A file name at the top of the class path, as Micronaut's environment asks for one ({@code application-dev.yml}). */
    private static final Pattern TOP_LEVEL_FILE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*\\.[A-Za-z0-9]+");

    public JarResources(ClassLoader loader) {
        super(loader);
    }

    @Override
    public Optional<InputStream> getResourceAsStream(String path) {
        if (path == null || !TOP_LEVEL_FILE.matcher(path).matches()) return super.getResourceAsStream(path);
        var url = getClassLoader().getResource(path);
        if (url == null) return Optional.empty();
        if (!url.getProtocol().equals("jar")) return super.getResourceAsStream(path);
        try {
            if (!(url.openConnection() instanceof JarURLConnection entry)) return super.getResourceAsStream(path);
            entry.setUseCaches(false); // a jar file of its own (its central directory is still the JDK's, shared)
            var jarEntry = entry.getJarEntry();
            if (jarEntry == null || jarEntry.isDirectory()) {
                entry.getJarFile().close();
                return super.getResourceAsStream(path);
            }
            try (var in = entry.getInputStream()) {
                return Optional.of(new ByteArrayInputStream(in.readAllBytes()));
            }
        } catch (IOException | RuntimeException e) {
            return super.getResourceAsStream(path);
        }
    }
}
