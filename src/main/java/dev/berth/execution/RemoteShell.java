package dev.berth.execution;

import java.util.Optional;
import java.util.UUID;

/** Runs commands on managed servers. The seam between Berth and SSH; tests of logic use a recording fake. */
public interface RemoteShell {
    /** @throws ServerUnreachableException when the server cannot be reached, authenticated to, or trusted */
    ExecResult run(ServerRef server, Argv argv);

    /**
     * As {@link #run(ServerRef, Argv)}, but the command is killed and {@link StoppedException} thrown within a
     * quarter of a second of {@code stop} answering true (a cancelled deployment's git clone, say).
     */
    default ExecResult run(ServerRef server, Argv argv, java.util.function.BooleanSupplier stop) {
        return run(server, argv);
    }

    /** A command ended because its caller asked. */
    final class StoppedException extends RuntimeException {
        public StoppedException() {
            super("stopped", null, false, false);
        }
    }

    /**
     * Starts a command and hands over its streams: {@code in()} is its standard output, {@code out()} its standard
     * input (closing it sends EOF). Standard error is read and dropped. Closing the handle ends the command. For
     * long or large work (a build context streamed as tar, a key written through stdin, never through argv).
     */
    Duplex start(ServerRef server, Argv argv);

    /** The host key fingerprint the server presented on the live connection, if there is one. */
    Optional<String> presentedHostKey(UUID serverId);

    /** Drops the pooled connection (after a key, host or trust change). */
    void forget(UUID serverId);
}
