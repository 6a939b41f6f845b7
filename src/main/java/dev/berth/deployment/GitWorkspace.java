package dev.berth.deployment;

import dev.berth.api.Viewer;
import dev.berth.application.GitHostKey;
import dev.berth.errors.BerthException;
import dev.berth.execution.Argv;
import dev.berth.execution.Containers;
import dev.berth.execution.Duplex;
import dev.berth.secrets.Secret;
import dev.berth.server.ServerCommands;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A git work directory on the server, reached over SSH; every command comes from {@link GitCommands}. The deploy key
 * travels through a command's standard input into a 0600 file of the work directory, never through argv, and is
 * removed as soon as the clone ends, before anything of the repository is read. The build context is {@code git
 * archive} of the commit's subtree: it never leaves the checkout, whatever links the repository holds.
 */
final class GitWorkspace implements Workspace {
    /** The git host key pinned on the application, and where a first clone's key is pinned. */
    interface HostKeys {
        @Nullable String pinned(String repository);

        void learned(String repository, GitHostKey key);
    }

    private final Viewer viewer;
    private final UUID serverId;
    private final ServerCommands commands;
    private final HostKeys hostKeys;
    private final java.util.function.BooleanSupplier cancelled;

    GitWorkspace(Viewer viewer, UUID serverId, ServerCommands commands, HostKeys hostKeys, java.util.function.BooleanSupplier cancelled) {
        this.viewer = viewer;
        this.serverId = serverId;
        this.commands = commands;
        this.hostKeys = hostKeys;
        this.cancelled = cancelled;
    }

    @Override
    public String checkout(DeploymentPlan.Build build, DeploymentLog out) {
        var layout = new GitCommands.Layout(build.workDir());
        run(GitCommands.remove(layout), out, "could not clear the work directory"); // a revived attempt starts afresh
        run(GitCommands.makeDir(layout), out, "could not make the work directory");
        boolean withKey = build.deployKeyId() != null;
        var host = GitCommands.sshHost(build.repository());
        var pinned = host == null ? null : hostKeys.pinned(build.repository());
        if (pinned != null) write(layout.knownHosts(), new Secret(GitCommands.knownHostsLine(host, pinned)), "the pinned host key");
        if (withKey) write(layout.key(), deployKey(build.deployKeyId()), "the deploy key");
        try {
            dev.berth.execution.ExecResult clone;
            try {
                clone = commands.run(viewer, serverId, GitCommands.clone(layout, build.repository(), build.ref(), build.commit(), withKey, pinned != null),
                        cancelled);
            } catch (dev.berth.execution.RemoteShell.StoppedException stopped) {
                throw new Deployer.Cancelled(); // the clone is killed on the server
            }
            clone.stderr().lines().forEach(line -> out.line("stderr", line));
            if (!clone.succeeded()) {
                if (pinned != null && clone.stderr().contains("Host key verification failed")) {
                    throw new Deployer.Failure("the git host " + host.pattern() + " presented a key other than the one pinned on the application"
                            + " (source.git.hostKey); if the host's key really changed, set the new one there");
                }
                throw new Deployer.Failure("git clone failed (exit " + clone.exitCode() + ")");
            }
        } finally {
            if (withKey) run(GitCommands.removeKey(layout), out, "could not remove the deploy key from the server");
        }
        if (host != null && pinned == null) learn(layout, build.repository(), out);
        if (build.commit() != null) run(GitCommands.checkout(layout, build.commit()), out, "the commit is not in the repository");
        var commit = run(GitCommands.head(layout), out, "git rev-parse failed").strip();
        var type = commands.run(viewer, serverId, GitCommands.contextType(layout, build.context()));
        if (!type.succeeded() || !type.stdout().strip().equals("tree")) {
            throw new Deployer.Failure("the build context '" + build.context() + "' is not a directory of the commit"
                    + (type.succeeded() ? " (it is a " + (type.stdout().strip().equals("blob") ? "file or a symbolic link" : type.stdout().strip()) + ")" : ""));
        }
        return commit;
    }

    @Override
    public Duplex context(DeploymentPlan.Build build) {
        return commands.start(viewer, serverId, GitCommands.archive(new GitCommands.Layout(build.workDir()), build.context()));
    }

    @Override
    public void cleanUp(DeploymentPlan.Build build) {
        commands.run(viewer, serverId, GitCommands.remove(new GitCommands.Layout(build.workDir())));
    }

    private Secret deployKey(UUID keyId) {
        try {
            return commands.deployKey(viewer, keyId);
        } catch (BerthException refused) {
            throw new Deployer.Failure(refused.getMessage());
        }
    }

    /** Pins the key the first clone met (trust on first use, once per application and repository) and says so. */
    private void learn(GitCommands.Layout layout, String repository, DeploymentLog out) {
        var known = commands.run(viewer, serverId, GitCommands.readKnownHosts(layout));
        var key = known.succeeded() ? known.stdout().lines().map(GitHostKey::fromKnownHosts).filter(java.util.Objects::nonNull).findFirst().orElse(null) : null;
        if (key == null) return;
        hostKeys.learned(repository, key);
        out.step("pinned the git host's key " + key.value().substring(0, key.value().indexOf(' ')) + " " + fingerprint(key)
                + " on the application; a clone from a host with another key will be refused");
    }

    private static String fingerprint(GitHostKey key) {
        var blob = java.util.Base64.getDecoder().decode(key.value().substring(key.value().indexOf(' ') + 1));
        return dev.berth.execution.SshjRemoteShell.fingerprint(blob);
    }

    private void write(String path, Secret content, String what) {
        try (var write = commands.start(viewer, serverId, GitCommands.writeFile(path))) {
            write.out().write(content.value().getBytes(StandardCharsets.UTF_8));
            write.out().close(); // EOF: cat ends
            write.in().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new Deployer.Failure("could not hand " + what + " to the server");
        }
    }

    private String run(Argv argv, Containers.Lines out, String failure) {
        var result = commands.run(viewer, serverId, argv);
        result.stderr().lines().forEach(line -> out.line("stderr", line));
        if (!result.succeeded()) throw new Deployer.Failure(failure + " (exit " + result.exitCode() + ")");
        return result.stdout();
    }
}
