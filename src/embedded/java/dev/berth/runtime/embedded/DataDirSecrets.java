package dev.berth.runtime.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Generated passwords of the embedded servers: 32 random bytes as hex, in a file of the data dir with mode 0600. */
final class DataDirSecrets {
    private DataDirSecrets() {}

    static String readOrCreate(Path file) throws IOException {
        if (Files.exists(file)) return Files.readString(file).trim();
        var bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        var secret = HexFormat.of().formatHex(bytes);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret);
        return secret;
    }
}
