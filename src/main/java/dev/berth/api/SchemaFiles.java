package dev.berth.api;

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

/** Reads every {@code *.graphqls} file that the build copied from {@code schema/} to the classpath folder {@code graphql/}. */
final class SchemaFiles {
    private static final String ANCHOR = "graphql/schema.graphqls";

    private SchemaFiles() {}

    static List<String> load() {
        var anchor = SchemaFiles.class.getClassLoader().getResource(ANCHOR);
        if (anchor == null) throw new IllegalStateException(ANCHOR + " is not on the classpath");
        try {
            URI uri = anchor.toURI();
            if ("jar".equals(uri.getScheme())) {
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
