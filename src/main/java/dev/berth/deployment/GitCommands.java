package dev.berth.deployment;

import dev.berth.execution.Argv;
import io.micronaut.core.annotation.Nullable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Pure: the commands a git build runs on its server, as argv. User data reaches them only as single arguments, after
 * {@code --} where git takes options. The build context is never read through the file system: it is {@code git
 * archive} of the checked-out commit's subtree, so a symbolic link in the repository (a context {@code ctx -> ..}, a
 * file {@code leak -> /root/.ssh/id_rsa}) is packed as a link and never followed, and nothing outside the commit's
 * tree (the deploy key, other checkouts, the server's files) can be in it.
 */
final class GitCommands {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private GitCommands() {}

    /** Where one build's files lie on the server: a directory made of ids only, relative to the SSH user's home. */
    record Layout(String dir) {
        Layout {
            if (!dir.matches("\\.berth/work/[0-9a-f-]{36}(?:-[0-9]+)?")) throw new IllegalArgumentException("not a work directory: " + dir);
        }

        String key() { return dir + "/key"; }

        String knownHosts() { return dir + "/known_hosts"; }

        String src() { return dir + "/src"; }
    }

    static Argv makeDir(Layout layout) {
        return Argv.of("mkdir", "-p", "-m", "700", "--", layout.dir());
    }

    /**
     * Git with nothing of the server's own: no system or global git config, no {@code ~/.netrc} or credential helper
     * (HOME is the work directory), no {@code GIT_SSH*} overriding the ssh command below, no ssh agent. A repository
     * can then only be reached with what Berth hands over, never with the server user's own keys or settings.
     */
    private static List<String> git(Layout layout) {
        return new ArrayList<>(List.of("env", "-u", "GIT_SSH_COMMAND", "-u", "GIT_SSH", "-u", "GIT_SSH_VARIANT", "-u", "SSH_AUTH_SOCK",
                "-u", "GIT_ASKPASS", "-u", "SSH_ASKPASS", "-u", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
                "GIT_TERMINAL_PROMPT=0", "HOME=" + layout.dir(), "git"));
    }

    /** Writes standard input to {@code path} with mode 0600 (the deploy key, the pinned host key): never argv. */
    static Argv writeFile(String path) {
        return Argv.of("sh", "-c", "umask 077 && cat > \"$1\"", "sh", path);
    }

    /**
     * Clones the repository. Over SSH, only the deploy key (if any) is offered and the host key must be the pinned
     * one when {@code pinned}; otherwise the first key seen is accepted and recorded in the layout's known_hosts.
     */
    static Argv clone(Layout layout, String repository, String ref, @Nullable String commit, boolean withKey, boolean pinned) {
        // no ssh_config, no agent, only the deploy key (ssh offers the user's ~/.ssh keys when given none: refused)
        var ssh = new StringBuilder("ssh -F /dev/null -o IdentityAgent=none -o IdentitiesOnly=yes");
        ssh.append(withKey ? " -i " + layout.key() : " -o PubkeyAuthentication=no");
        ssh.append(" -o BatchMode=yes -o HashKnownHosts=no -o UpdateHostKeys=no -o StrictHostKeyChecking=").append(pinned ? "yes" : "accept-new")
                .append(" -o UserKnownHostsFile=").append(layout.knownHosts()).append(" -o GlobalKnownHostsFile=/dev/null");
        var argv = git(layout);
        argv.addAll(List.of("-c", "core.askPass=true", "-c", "credential.helper=", "-c", "protocol.allow=never",
                "-c", "protocol.https.allow=always", "-c", "protocol.ssh.allow=always", "-c", "core.sshCommand=" + ssh,
                "clone", "--quiet", "--no-recurse-submodules"));
        if (commit == null) argv.addAll(List.of("--depth", "1", "--branch", ref));
        argv.addAll(List.of("--", repository, layout.src()));
        return new Argv(argv);
    }

    /** Removes the deploy key: called right after the clone, before anything from the repository runs. */
    static Argv removeKey(Layout layout) {
        return Argv.of("rm", "-f", "--", layout.key());
    }

    static Argv checkout(Layout layout, String commit) {
        if (!COMMIT.matcher(commit).matches()) throw new IllegalArgumentException("not a commit id");
        return gitIn(layout, "checkout", "--quiet", "--detach", commit);
    }

    static Argv head(Layout layout) {
        return gitIn(layout, "rev-parse", "--verify", "HEAD^{commit}");
    }

    /** Prints the type of the context's object in the commit: the context must be a {@code tree}, never a link. */
    static Argv contextType(Layout layout, String context) {
        return gitIn(layout, "cat-file", "-t", "--", treeish(context));
    }

    /** The context as a tar stream: the commit's subtree, links packed as links. */
    static Argv archive(Layout layout, String context) {
        return gitIn(layout, "archive", "--format=tar", "--", treeish(context));
    }

    /** Git in the checkout, isolated as {@link #git}. */
    private static Argv gitIn(Layout layout, String... args) {
        var argv = git(layout);
        argv.addAll(List.of("-C", layout.src()));
        argv.addAll(List.of(args));
        return new Argv(argv);
    }

    static Argv remove(Layout layout) {
        return Argv.of("rm", "-rf", "--", layout.dir());
    }

    /** The SSH host a repository URL reaches, as known_hosts names it; null for https (TLS checks that host). */
    record SshHost(String host, int port) {
        /** {@code host} on port 22, {@code [host]:port} otherwise, as ssh writes and matches known_hosts. */
        String pattern() {
            return port == 22 ? host : "[" + host + "]:" + port;
        }
    }

    private static final Pattern SSH_URL = Pattern.compile("ssh://(?:[^@/]+@)?([^:/]+)(?::([0-9]{1,5}))?/.*");
    private static final Pattern SCP_URL = Pattern.compile("[^@/:]+@([^:/]+):.*");

    static @Nullable SshHost sshHost(String repository) {
        var ssh = SSH_URL.matcher(repository);
        if (ssh.matches()) return new SshHost(ssh.group(1).toLowerCase(java.util.Locale.ROOT), ssh.group(2) == null ? 22 : Integer.parseInt(ssh.group(2)));
        var scp = SCP_URL.matcher(repository);
        if (scp.matches()) return new SshHost(scp.group(1).toLowerCase(java.util.Locale.ROOT), 22);
        return null;
    }

    /** The known_hosts line that pins {@code key} (type and base64) for {@code host}: the only line of that file. */
    static String knownHostsLine(SshHost host, String key) {
        return host.pattern() + " " + key + "\n";
    }

    /** Prints the known_hosts file a first clone filled, to learn the key it met. */
    static Argv readKnownHosts(Layout layout) {
        return Argv.of("cat", "--", layout.knownHosts());
    }

    /** {@code HEAD:<path>} for a context inside the repository, the root tree for {@code .}. */
    static String treeish(String context) {
        var path = normalised(context);
        return path.isEmpty() ? "HEAD^{tree}" : "HEAD:" + path;
    }

    /** A relative path without empty or {@code .} parts and without a trailing slash; {@code ..} is refused. */
    static String normalised(String path) {
        var parts = new ArrayList<String>();
        for (var part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) throw new IllegalArgumentException("'..' in a repository path");
            parts.add(part);
        }
        return String.join("/", parts);
    }
}
