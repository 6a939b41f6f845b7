package dev.berth.deployment;

import dev.berth.api.Viewer;
import dev.berth.execution.Argv;
import dev.berth.execution.Containers;
import dev.berth.execution.Duplex;
import dev.berth.server.ServerCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A git work directory on the server, reached over SSH. Every command is an argv (user data only as single
 * arguments after {@code --}); the deploy key travels through the command's standard input into a 0600 file of the
 * work directory, never through argv, and goes with the directory at the end.
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
        var dir = build.workDir();
        run(Argv.of("mkdir", "-p", "-m", "700", "--", dir), out, "could not make the work directory");
        var git = new ArrayList<>(List.of("git", "-c", "core.askPass=true", "-c", "credential.helper="));
        if (build.deployKeyId() != null) {
            writeKey(dir + "/key", build.deployKeyId());
            git.addAll(List.of("-c", "core.sshCommand=ssh -i " + dir + "/key -o IdentitiesOnly=yes -o BatchMode=yes"
                    + " -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=" + dir + "/known_hosts"));
        } else {
            git.addAll(List.of("-c", "core.sshCommand=ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=" + dir + "/known_hosts"));
        }
        var clone = new ArrayList<>(git);
        clone.addAll(List.of("clone", "--quiet"));
        if (build.commit() == null) clone.addAll(List.of("--depth", "1", "--branch", build.ref()));
        clone.addAll(List.of("--", build.repository(), dir + "/src"));
        run(new Argv(clone), out, "git clone failed");
        if (build.commit() != null) {
            run(Argv.of("git", "-C", dir + "/src", "checkout", "--quiet", "--detach", build.commit()), out, "the commit is not in the repository");
        }
        return run(Argv.of("git", "-C", dir + "/src", "rev-parse", "HEAD"), out, "git rev-parse failed").strip();
    }

    @Override
    public Duplex context(DeploymentPlan.Build build) {
        return commands.start(viewer, serverId, Argv.of("tar", "-C", build.workDir() + "/src/" + build.context(), "-cf", "-", "."));
    }

    @Override
    public void cleanUp(DeploymentPlan.Build build) {
        commands.run(viewer, serverId, Argv.of("rm", "-rf", "--", build.workDir()));
    }

    private void writeKey(String path, UUID keyId) {
        var pem = commands.privateKey(viewer, keyId);
        try (var write = commands.start(viewer, serverId, Argv.of("sh", "-c", "umask 077 && cat > \"$1\"", "sh", path))) {
            write.out().write(pem.value().getBytes(StandardCharsets.UTF_8));
            write.out().close(); // EOF: cat ends
            write.in().transferTo(java.io.OutputStream.nullOutputStream());
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
