package dev.berth.execution;

import dev.berth.secrets.Secret;
import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/**
 * Everything needed to reach one server. {@code pinnedHostKey} is the expected SSH host key fingerprint, or
 * null to accept and report the presented one (first contact). The key is a {@link Secret}: never printed.
 */
public record ServerRef(UUID id, String host, int port, String user, Secret privateKey, @Nullable String pinnedHostKey) {
    /** The same server, expecting this host key from now on. */
    public ServerRef pinnedTo(String fingerprint) {
        return new ServerRef(id, host, port, user, privateKey, fingerprint);
    }

    @Override
    public String toString() {
        return "ServerRef[id=" + id + ", " + user + "@" + host + ":" + port + "]";
    }
}
