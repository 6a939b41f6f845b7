package dev.berth.execution;

import jakarta.inject.Singleton;
import java.util.UUID;

/** Test access to the pool's package-private counters. */
@Singleton
public final class SshjRemoteShellProbe {
    private final SshjRemoteShell shell;

    SshjRemoteShellProbe(SshjRemoteShell shell) {
        this.shell = shell;
    }

    public long connectionsOpened() {
        return shell.connectionsOpened();
    }

    public boolean isPooled(UUID serverId) {
        return shell.presentedHostKey(serverId).isPresent();
    }

    public void forget(UUID serverId) {
        shell.forget(serverId);
    }
}
