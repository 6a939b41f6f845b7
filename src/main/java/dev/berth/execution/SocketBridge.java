package dev.berth.execution;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private Unix socket (in a directory only this user can enter) whose every connection is piped to a new
 * stream to the server's Docker socket (an SSH stream-local channel, or {@code docker system dial-stdio}). docker-java speaks HTTP to the local socket as if Docker were here.
 */
final class SocketBridge implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketBridge.class);

    /** Opens one stream to the remote socket per local connection. */
    interface Opener {
        Duplex open() throws IOException;
    }

    private final Path dir;
    private final Path socket;
    private final ServerSocketChannel server;
    private final ExecutorService pumps = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean closed;

    SocketBridge(Opener opener) {
        try {
            dir = Files.createTempDirectory("berth-bridge-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            socket = dir.resolve("docker.sock");
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Docker bridge socket", e);
        }
        pumps.execute(() -> accept(opener));
    }

    Path socket() {
        return socket;
    }

    private void accept(Opener opener) {
        while (!closed) {
            try {
                var local = server.accept();
                pumps.execute(() -> pipe(local, opener));
            } catch (IOException e) {
                if (!closed) LOG.warn("event=bridge-accept-failed error={}", e.getClass().getSimpleName());
                return;
            }
        }
    }

    private void pipe(SocketChannel local, Opener opener) {
        try (local; var remote = opener.open()) {
            // the client closing its socket (a cancelled build or log follow) must reach the daemon at once, even while
            // the daemon sends nothing: the remote channel is closed as soon as the local side ends
            var toRemote = pumps.submit(() -> {
                try {
                    return copy(Channels.newInputStream(local), remote.out());
                } finally {
                    remote.close();
                }
            });
            copy(remote.in(), Channels.newOutputStream(local));
            toRemote.cancel(true);
        } catch (Exception e) {
            LOG.debug("event=bridge-connection-ended error={}", e.getClass().getSimpleName());
        }
    }

    /** Copies until end of stream, flushing after every chunk so that streamed responses are not held back. */
    private static Void copy(InputStream in, OutputStream out) throws IOException {
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // best effort
        }
        pumps.shutdownNow();
    }
}
