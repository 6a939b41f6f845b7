package dev.berth.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * Berth's data directory ({@code BERTH_DATA_DIR}) and what it holds: keys, passwords, the embedded database and the
 * binaries Berth runs. The directory and every directory Berth makes in it are owner-only (0700), so no other local
 * user can reach, let alone replace, anything there; what a library writes into it (the PostgreSQL binaries the
 * embedded default unpacks) is tightened to at most 0755 as well, in case the directory is ever opened up.
 */
public final class DataDir {
    private static final java.util.Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final java.util.Set<PosixFilePermission> OPEN_TO_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private DataDir() {}

    /** Makes {@code dir} (and missing parents) if needed and sets it to 0700. */
    public static Path ownerOnly(Path dir) {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + dir + " owner-only", e);
        }
    }

    /** Removes write access for group and others from everything under {@code root} (links are left alone). */
    public static void tighten(Path root) {
        if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (var walk = Files.walk(root)) {
            for (var path : (Iterable<Path>) walk::iterator) {
                if (Files.isSymbolicLink(path)) continue;
                var permissions = Files.getPosixFilePermissions(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (permissions.removeAll(OPEN_TO_OTHERS)) Files.setPosixFilePermissions(path, permissions);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tighten " + root, e);
        }
    }
}
