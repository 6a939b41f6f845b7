package dev.berth.api;

import dev.berth.runtime.JarIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads every {@code *.graphqls} file that the build copied from {@code schema/} to the classpath folder
 * {@code graphql/}. From the application jar, the folder's listing is the start's ({@link JarIndex}): listing it
 * through a zip file system of its own indexed every entry of the jar (0.15–0.2 s of CPU while the server starts).
 */
public final class SchemaFiles {
    /** The class-path folder of the schema files. */
    public static final String FOLDER = "graphql";
    private static final String ANCHOR = FOLDER + "/schema.graphqls";

    private SchemaFiles() {}

    static List<String> load() {
        var loader = SchemaFiles.class.getClassLoader();
        var anchor = loader.getResource(ANCHOR);
        if (anchor == null) throw new IllegalStateException(ANCHOR + " is not on the classpath");
        try {
            URI uri = anchor.toURI();
            if ("jar".equals(uri.getScheme())) {
                var listed = JarIndex.listing(anchor, FOLDER); // the start's one pass over the jar
                if (listed.isPresent()) return read(loader, listed.get());
                try (FileSystem jar = open(uri)) {
                    return read(jar.provider().getPath(uri).getParent());
                }
            }
            return read(Path.of(uri).getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> read(ClassLoader loader, List<String> names) throws IOException {
        var texts = new java.util.ArrayList<String>();
        for (var name : names) { // sorted, as the folder's listing is
            if (name.contains("/") || !name.endsWith(".graphqls")) continue;
            try (var in = loader.getResourceAsStream(FOLDER + "/" + name)) {
                if (in == null) throw new IOException(FOLDER + "/" + name + " is listed but cannot be read");
                texts.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return texts;
    }

    private static FileSystem open(URI uri) throws IOException {
        try {
            return FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
            throw new IllegalStateException("jar file system already open for " + uri, e);
        }
    }

    private static List<String> read(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".graphqls"))
                    .sorted()
                    .map(SchemaFiles::text)
                    .toList();
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
