package dev.berth.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exact argv of every host command a git build runs, against hostile refs, paths and URLs. */
class GitCommandsTest {
    private static final String ID = UUID.randomUUID().toString();
    private static final GitCommands.Layout LAYOUT = new GitCommands.Layout(".berth/work/" + ID);

    @Test
    void theCloneTakesTheUrlAndRefAsSingleArgumentsAfterItsOptions() {
        var argv = GitCommands.clone(LAYOUT, "ssh://git@host.test/-x.git", "--upload-pack=id", null, true, false).args();
        assertThat(argv).containsExactly("env", "-u", "GIT_SSH_COMMAND", "-u", "GIT_SSH", "-u", "GIT_SSH_VARIANT", "-u", "SSH_AUTH_SOCK",
                "-u", "GIT_ASKPASS", "-u", "SSH_ASKPASS", "-u", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
                "GIT_TERMINAL_PROMPT=0", "HOME=.berth/work/" + ID,
                "git", "-c", "core.askPass=true", "-c", "credential.helper=", "-c", "protocol.allow=never",
                "-c", "protocol.https.allow=always", "-c", "protocol.ssh.allow=always",
                "-c", "core.sshCommand=ssh -F /dev/null -o IdentityAgent=none -o IdentitiesOnly=yes -i .berth/work/" + ID + "/key"
                        + " -o BatchMode=yes -o HashKnownHosts=no"
                        + " -o UpdateHostKeys=no -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=.berth/work/" + ID + "/known_hosts"
                        + " -o GlobalKnownHostsFile=/dev/null",
                "clone", "--quiet", "--no-recurse-submodules", "--depth", "1", "--branch", "--upload-pack=id",
                "--", "ssh://git@host.test/-x.git", ".berth/work/" + ID + "/src");
    }

    @Test
    void aPinnedHostIsCheckedStrictlyAndACommitIsClonedInFull() {
        var argv = GitCommands.clone(LAYOUT, "git@host.test:a/b.git", "main", "a".repeat(40), false, true).args();
        assertThat(String.join(" ", argv)).contains("StrictHostKeyChecking=yes").doesNotContain("-i ").doesNotContain("--depth")
                .as("without a deploy key no key at all is offered: never the server user's own").contains("PubkeyAuthentication=no");
        assertThat(argv.subList(argv.size() - 3, argv.size())).containsExactly("--", "git@host.test:a/b.git", ".berth/work/" + ID + "/src");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-x", "--orphan", "HEAD", "main", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "$(id)"})
    void onlyACommitIdIsCheckedOut(String commit) {
        assertThatThrownBy(() -> GitCommands.checkout(LAYOUT, commit)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theContextIsTheCommitsSubtreeNeverAPathOnTheServer() {
        assertThat(GitCommands.archive(LAYOUT, "app/web").args()).startsWith("env").endsWith(
                "HOME=.berth/work/" + ID, "git", "-C", ".berth/work/" + ID + "/src", "archive", "--format=tar", "--", "HEAD:app/web");
        assertThat(GitCommands.archive(LAYOUT, ".").args()).endsWith("HEAD^{tree}");
        assertThat(GitCommands.archive(LAYOUT, "./app//web/").args()).endsWith("HEAD:app/web");
        assertThat(GitCommands.contextType(LAYOUT, "-x").args()).endsWith("git", "-C", ".berth/work/" + ID + "/src", "cat-file", "-t", "--", "HEAD:-x");
        assertThatThrownBy(() -> GitCommands.archive(LAYOUT, "a/../..")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/root", "..", ".berth/work/../../x", ".berth/work/x; rm -rf /", "~/.ssh", ".berth/work/-rf"})
    void aWorkDirectoryIsMadeOfIdsOnly(String dir) {
        assertThatThrownBy(() -> new GitCommands.Layout(dir)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKeyIsWrittenFromStandardInputAndRemovedByItsFixedPath() {
        assertThat(GitCommands.writeFile(LAYOUT.key()).args()).containsExactly("sh", "-c", "umask 077 && cat > \"$1\"", "sh", ".berth/work/" + ID + "/key");
        assertThat(GitCommands.removeKey(LAYOUT).args()).containsExactly("rm", "-f", "--", ".berth/work/" + ID + "/key");
        assertThat(GitCommands.remove(LAYOUT).args()).isEqualTo(List.of("rm", "-rf", "--", ".berth/work/" + ID));
    }

    @Test
    void theDockerfileMustLieInsideTheContextAfterNormalising() {
        var build = new DeploymentPlan.Build("u", "main", null, "./app//Dockerfile", "app/", "t", null, LAYOUT.dir());
        assertThat(build.dockerfileInContext()).isEqualTo("Dockerfile");
        assertThat(new DeploymentPlan.Build("u", "main", null, "apps/Dockerfile", "app", "t", null, LAYOUT.dir()).dockerfileInContext()).isNull();
        assertThat(new DeploymentPlan.Build("u", "main", null, "x/Dockerfile", ".", "t", null, LAYOUT.dir()).dockerfileInContext()).isEqualTo("x/Dockerfile");
    }

    @Test
    void theSshHostOfARepositoryIsNamedAsKnownHostsNamesIt() {
        assertThat(GitCommands.sshHost("ssh://git@Host.Test:2222/a/b.git")).isEqualTo(new GitCommands.SshHost("host.test", 2222));
        assertThat(GitCommands.sshHost("ssh://host.test/a.git").pattern()).isEqualTo("host.test");
        assertThat(GitCommands.sshHost("git@host.test:a/b.git").pattern()).isEqualTo("host.test");
        assertThat(GitCommands.sshHost("ssh://git@127.0.0.1:2222/srv/repo.git").pattern()).isEqualTo("[127.0.0.1]:2222");
        assertThat(GitCommands.sshHost("https://host.test/a.git")).isNull();
        assertThat(GitCommands.knownHostsLine(new GitCommands.SshHost("h.test", 22), "ssh-ed25519 AAAA")).isEqualTo("h.test ssh-ed25519 AAAA\n");
        assertThat(GitCommands.readKnownHosts(LAYOUT).args()).containsExactly("cat", "--", ".berth/work/" + ID + "/known_hosts");
    }
}
