package dev.berth.runtime;

import io.micronaut.core.io.service.MicronautMetaServiceLoaderUtils;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * The application jar's listing, read in one pass over its entries when Berth starts from a jar: Micronaut's service
 * entries ({@code META-INF/micronaut/<type>/<implementation>}) and the migrations' names.
 * <p>
 * Micronaut lists its services by opening the jar as a zip file system, which indexes every one of its ~42,000
 * entries, folders included (0.17–0.22 s on two cores, early in every start, on the main thread); the migration check
 * read the listing again. The JDK already holds the jar's central directory (the class loader opened it), so one pass
 * over its entries costs a third of that and serves both. The services are handed to Micronaut as the listing it
 * caches after its own scan ({@link MicronautServices}): what it then finds is what it would have found, and anything
 * that does not fit (a second class-path entry with services, a Micronaut whose cache is not where it was) leaves
 * Micronaut to scan as before.
 */
public final class JarIndex {
    static final String SERVICES = "META-INF/micronaut/";
    private static volatile JarIndex current;

    private final Path jar;
    private final Map<String, Set<String>> services;
    private final Map<String, List<String>> folders;

    private JarIndex(Path jar, Map<String, Set<String>> services, Map<String, List<String>> folders) {
        this.jar = jar;
        this.services = services;
        this.folders = folders;
    }

    /** The index of the jar Berth started from, once {@link #install} read it. */
    public static Optional<JarIndex> current() {
        return Optional.ofNullable(current);
    }

    /**
     * Reads the jar {@code type} was loaded from (listing what it holds under {@code folders}), keeps the index for
     * {@link #current()} and hands its services to Micronaut; nothing when {@code type} does not come from a jar (a
     * build's classes folder) or the jar cannot be read (Micronaut and the migration check then list it themselves).
     */
    public static void install(Class<?> type, String... folders) {
        try {
            var source = type.getProtectionDomain().getCodeSource();
            if (source == null || !source.getLocation().getProtocol().equals("file")) return;
            var path = Path.of(source.getLocation().toURI());
            if (!Files.isRegularFile(path)) return;
            var index = read(path, List.of(folders));
            current = index;
            MicronautServices.preload(type.getClassLoader(), index);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // a start never fails for want of a shortcut
        }
    }

    /** One pass over the jar's entries: its services, and what it holds under each of {@code folders}. */
    public static JarIndex read(Path jar, Collection<String> folders) throws IOException {
        var services = new LinkedHashMap<String, Set<String>>();
        var listed = new LinkedHashMap<String, List<String>>();
        for (var folder : folders) listed.put(folder + "/", new ArrayList<>());
        try (var file = new JarFile(jar.toFile(), false)) {
            var entries = file.entries();
            while (entries.hasMoreElements()) {
                var name = entries.nextElement().getName();
                for (var folder : listed.entrySet()) {
                    var prefix = folder.getKey();
                    if (name.startsWith(prefix) && name.length() > prefix.length()) folder.getValue().add(child(name.substring(prefix.length())));
                }
                if (!name.startsWith(SERVICES) || name.endsWith("/")) continue;
                int slash = name.indexOf('/', SERVICES.length());
                // META-INF/micronaut/<type>/<implementation>, the files Micronaut's walk of the folder reads
                if (slash <= SERVICES.length() || name.indexOf('/', slash + 1) >= 0) continue;
                var implementation = name.substring(slash + 1);
                services.computeIfAbsent(name.substring(SERVICES.length(), slash), t -> new LinkedHashSet<>()).add(implementation);
            }
        }
        var byFolder = new LinkedHashMap<String, List<String>>();
        listed.forEach((prefix, names) -> byFolder.put(prefix.substring(0, prefix.length() - 1), names.stream().distinct().sorted().toList()));
        return new JarIndex(jar, services, byFolder);
    }

    /** A folder's direct child: a file's name, or a folder's with its slash (whatever is further down stands for it). */
    private static String child(String relative) {
        int slash = relative.indexOf('/');
        return slash < 0 ? relative : relative.substring(0, slash + 1);
    }

    /**
     * Every service type with its implementations (the set Micronaut's walk of the folder finds; its order, which
     * Micronaut does not promise, is the zip file system's hashing, this one the jar's).
     */
    public Map<String, Set<String>> services() {
        return services;
    }

    /**
     * What the start listed under {@code folder} of the jar that {@code location} points into
     * ({@code jar:file:/path/berth.jar!/folder/...}); empty when the start listed no such jar or folder.
     */
    public static Optional<List<String>> listing(URL location, String folder) {
        return current().filter(index -> index.holds(location)).flatMap(index -> index.under(folder));
    }

    /** Whether {@code location}, a {@code jar:} URL of an entry or folder, points into the jar this index was read from. */
    boolean holds(URL location) {
        if (!location.getProtocol().equals("jar")) return false;
        var spec = location.getPath(); // file:/path/berth.jar!/META-INF/micronaut/
        int bang = spec.indexOf("!/");
        if (bang < 0) return false;
        try {
            var file = java.net.URI.create(spec.substring(0, bang));
            return file.getScheme().equals("file") && Files.isSameFile(Path.of(file), jar);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * What the jar holds directly under {@code folder} (a name without a trailing slash), sorted, once each: files by
     * name, folders by name and slash (also when only what they hold is in the jar); empty when the folder was not
     * listed when the jar was read.
     */
    public Optional<List<String>> under(String folder) {
        return Optional.ofNullable(folders.get(folder));
    }

    /**
     * Hands the services to Micronaut as the listing it caches after its scan of {@code META-INF/micronaut/}
     * ({@code MicronautMetaServiceLoaderUtils.cacheEntry}), which both of its service loaders read.
     */
    static final class MicronautServices {
        private MicronautServices() {}

        /** Whether the listing was handed over: only when this jar is the one place Micronaut would have scanned. */
        static boolean preload(ClassLoader loader, JarIndex index) throws IOException {
            var places = Collections.list(loader.getResources(SERVICES));
            if (places.size() != 1 || !index.holds(places.get(0))) return false;
            try {
                var utils = MicronautMetaServiceLoaderUtils.class;
                var entry = Class.forName(utils.getName() + "$CacheEntry", false, utils.getClassLoader())
                        .getDeclaredConstructor(ClassLoader.class, Map.class);
                var cache = utils.getDeclaredField("cacheEntry");
                entry.setAccessible(true);
                cache.setAccessible(true);
                cache.set(null, entry.newInstance(loader, index.services()));
                return true;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false; // another Micronaut: it scans, as it always did
            }
        }
    }
}
