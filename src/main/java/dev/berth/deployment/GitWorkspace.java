package dev.berth.deployment;

import dev.berth.api.Viewer;
import dev.berth.errors.BerthException;
import dev.berth.execution.Argv;
import dev.berth.execution.Containers;
import dev.berth.execution.Duplex;
import dev.berth.secrets.Secret;
import dev.berth.server.ServerCommands;
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
    private final Viewer viewer;
    private final UUID serverId;
    private final ServerCommands commands;

    GitWorkspace(Viewer viewer, UUID serverId, ServerCommands commands) {
        this.viewer = viewer;
        this.serverId = serverId;
        this.commands = commands;
    }

    @Override
    public String checkout(DeploymentPlan.Build build, Containers.Lines out) {
        var layout = new GitCommands.Layout(build.workDir());
        run(GitCommands.makeDir(layout), out, "could not make the work directory");
        boolean withKey = build.deployKeyId() != null;
        if (withKey) write(layout.key(), deployKey(build.deployKeyId()));
        try {
            run(GitCommands.clone(layout, build.repository(), build.ref(), build.commit(), withKey, false), out, "git clone failed");
        } finally {
            if (withKey) run(GitCommands.removeKey(layout), out, "could not remove the deploy key from the server");
        }
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

    private void write(String path, Secret content) {
        try (var write = commands.start(viewer, serverId, GitCommands.writeFile(path))) {
            write.out().write(content.value().getBytes(StandardCharsets.UTF_8));
            write.out().close(); // EOF: cat ends
            write.in().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new Deployer.Failure("could not hand the deploy key to the server");
        }
    }

    private String run(Argv argv, Containers.Lines out, String failure) {
        var result = commands.run(viewer, serverId, argv);
        result.stderr().lines().forEach(line -> out.line("stderr", line));
        if (!result.succeeded()) throw new Deployer.Failure(failure + " (exit " + result.exitCode() + ")");
        return result.stdout();
    }
}
