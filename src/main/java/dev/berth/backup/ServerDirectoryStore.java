package dev.berth.backup;

import dev.berth.api.Viewer;
import dev.berth.execution.Argv;
import dev.berth.execution.Duplex;
import dev.berth.execution.ExecResult;
import dev.berth.execution.Reasons;
import dev.berth.server.ServerCommands;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A directory on one of the team's servers, reached over its SSH connection as the server's SSH user. Every command
 * is an argv of coreutils ({@code mkdir}, {@code dd}, {@code stat}, {@code cat}, {@code mv}, {@code rm}), or a constant
 * {@code sh -c} script taking the path as its argument (for the umask), on a path made of the destination's validated
 * directory and a key Berth made. Files and directories Berth makes are its user's alone (umask 077); a directory
 * every user may write is refused. An upload streams through {@code dd} into {@code <key>.part}, synced; once its
 * size on disk is what was sent, it is renamed to its key, so a file under its key is always whole.
 */
final class ServerDirectoryStore implements BackupStore {
    /** What a key may hold: Berth makes them (a prefix, {@code berth/<database>/<stamp>-<id>.<ext>}). */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    private final ServerCommands commands;
    private final Viewer viewer;
    private final UUID serverId;
    private final String directory;

    ServerDirectoryStore(ServerCommands commands, Viewer viewer, UUID serverId, String directory) {
        this.commands = commands;
        this.viewer = viewer;
        this.serverId = serverId;
        this.directory = directory;
    }

    /** The file of {@code key}: confined to the directory (no {@code ..} segment, nothing but the key's characters). */
    String path(String key) {
        if (!KEY.matcher(key).matches()) throw new IllegalArgumentException("not a key Berth makes");
        for (var segment : key.split("/")) {
            if (segment.equals("..") || segment.equals(".")) throw new IllegalArgumentException("not a key Berth makes");
        }
        return directory + "/" + key;
    }

    private ExecResult run(String step, String... argv) {
        var result = commands.run(viewer, serverId, Argv.of(argv));
        if (!result.succeeded()) throw new IllegalStateException(step + " failed on the server: " + Reasons.lastLine(result.stderr(), 300));
        return result;
    }

    @Override
    public Upload upload(String key) throws IOException {
        var file = path(key);
        var part = file + ".part";
        // made readable by the SSH user alone (a dump holds the whole database), in a directory no other user may write
        run("creating the directory", "sh", "-c", "umask 077 && exec mkdir -p -- \"$0\"", file.substring(0, file.lastIndexOf('/')));
        var mode = run("reading the directory's mode", "stat", "-c", "%a", "--", directory).stdout().strip();
        if (!mode.matches("[0-7]{3,4}")) throw new IllegalStateException("the server answered an unexpected mode for " + directory);
        if ((Integer.parseInt(mode, 8) & 0002) != 0) {
            throw new IllegalStateException(directory + " is writable by every user of the server (mode " + mode + "): choose a directory of its own");
        }
        // the script is constant; the file is its argument. conv=fsync: on disk before it is renamed and called whole
        var dd = commands.start(viewer, serverId, Argv.of("sh", "-c", "umask 077 && exec dd of=\"$0\" bs=1048576 conv=fsync 2>/dev/null", part));
        return new FileUpload(dd, part, file);
    }

    @Override
    public Head head(String key) {
        var seen = run("reading the file's size", "stat", "-c", "%s %Y %i", "--", path(key)).stdout().strip();
        try {
            return new Head(Long.parseLong(seen.substring(0, seen.indexOf(' '))), seen);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the server answered an unexpected size: " + Reasons.lastLine(seen, 100));
        }
    }

    @Override
    public InputStream download(String key, String etag) throws IOException {
        var cat = commands.start(viewer, serverId, Argv.of("cat", "--", path(key)));
        return new FilterInputStream(cat.in()) {
            @Override
            public void close() throws IOException {
                cat.close();
            }
        };
    }

    @Override
    public void delete(String key) {
        run("deleting the file", "rm", "-f", "--", path(key));
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
        try (var upload = upload(key)) {
            upload.write(bytes);
        }
    }

    @Override
    public byte[] get(String key, int max) throws IOException {
        try (var in = download(key, "")) {
            return in.readNBytes(max);
        }
    }

    @Override
    public void close() {
        // each command used its own channel of the server's pooled connection
    }

    /** A file being written through {@code dd}; closing it checks its size on disk and renames it to its key. */
    private final class FileUpload extends Upload {
        private final Duplex dd;
        private final OutputStream out;
        private final String part;
        private final String file;
        private long written;
        private boolean done;

        FileUpload(Duplex dd, String part, String file) throws IOException {
            this.dd = dd;
            this.out = dd.out();
            this.part = part;
            this.file = file;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            written += length;
        }

        @Override
        public void close() throws IOException {
            if (done) return;
            done = true;
            try {
                out.close(); // EOF: dd writes what is left and ends, which ends its stdout
                dd.in().transferTo(OutputStream.nullOutputStream());
            } finally {
                dd.close();
            }
            var seen = run("reading the file's size", "stat", "-c", "%s", "--", part).stdout().strip();
            if (!seen.equals(Long.toString(written))) {
                run("removing the partial file", "rm", "-f", "--", part);
                throw new IOException("the file on the server has " + Reasons.lastLine(seen, 40) + " bytes of " + written);
            }
            run("naming the file", "mv", "-f", "-T", "--", part, file);
        }

        @Override
        void abort() {
            if (done) return;
            done = true;
            try {
                dd.close(); // ends dd: what it wrote stays as the .part file, removed next
                run("removing the partial file", "rm", "-f", "--", part);
            } catch (IOException | RuntimeException ignored) {
                // a later backup's retention does not see it; the .part name says what it is
            }
        }
    }
}
