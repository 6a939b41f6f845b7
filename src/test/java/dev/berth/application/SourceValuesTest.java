package dev.berth.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.errors.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Image references, git URLs, refs and paths: what the edge accepts and refuses. */
class SourceValuesTest {
    @ParameterizedTest
    @ValueSource(strings = {"nginx", "nginx:1.27", "library/nginx:latest", "ghcr.io/acme/web:2", "localhost:5000/a/b", "registry.test:5000/x_y/z-w.v:t",
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void imageReferencesThatFollowTheGrammar(String text) {
        assertThat(ImageRef.parse("f", text).text()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "team/UPPER", "a//b", "-x", "a:", "a:-tag", "a b", "a@sha256:short", "a/b:c:d", "/abs"})
    void imageReferencesThatDoNot(String text) {
        assertThatThrownBy(() -> ImageRef.parse("f", text)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aReferenceWithoutTagRunsLatest() {
        assertThat(ImageRef.parse("f", "nginx").reference()).isEqualTo("nginx:latest");
        assertThat(ImageRef.parse("f", "localhost:5000/a").registry()).isEqualTo("localhost:5000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://github.com/acme/web.git", "ssh://git@github.com/acme/web.git", "git@github.com:acme/web.git",
            "ssh://git@127.0.0.1:2222/srv/repo.git", "https://git.test:8443/a/b"})
    void gitUrlsThatAreNetworkUrls(String text) {
        assertThat(GitUrl.parse("f", text).value()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ext::sh -c id", "file:///etc/passwd", "/srv/repo.git", "./repo", "../repo", "-uhelp", "--upload-pack=id",
            "http://insecure.test/a.git", "https://user:pw@host.test/a.git", "https://host.test/a b", "https://host.test/a\tb",
            "https://host.test/a\nb", "fd::3", "git@host:-x", "ssh://host.test/../etc",
            "ssh://-oProxyCommand@127.0.0.1/x", "-oProxyCommand@127.0.0.1:x", "ssh://.x@127.0.0.1/x", "ssh://-@host.test/a"})
    void gitUrlsThatGitCouldTurnIntoSomethingElse(String text) {
        assertThatThrownBy(() -> GitUrl.parse("f", text)).isInstanceOf(InvalidInputException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"main", "release/1.2", "v1.0.0", "feature_x", "0123456789abcdef0123456789abcdef01234567"})
    void refsThatGitAccepts(String ref) {
        assertThat(GitRef.parse("f", ref).value()).isEqualTo(ref);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-x", "a..b", "a b", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b", "a/", "/a", "a.lock", "a.", "a@{1}", "@", ".a", "a/.b", "a//b"})
    void refsThatGitRefuses(String ref) {
        assertThatThrownBy(() -> GitRef.parse("f", ref)).isInstanceOf(InvalidInputException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../Dockerfile", "/etc/passwd", "-f", "a/../../b", "a\\b", "a\u0001"})
    void pathsThatLeaveTheRepository(String path) {
        assertThatThrownBy(() -> RelativePath.parse("f", path, ".")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void anImageIsPulledFromExactlyOneRegistry() {
        assertThat(ImageRef.parse("f", "busybox").pulledFrom("docker.io")).isTrue();
        assertThat(ImageRef.parse("f", "library/busybox").pulledFrom("https://index.docker.io/")).isTrue();
        assertThat(ImageRef.parse("f", "registry-1.docker.io/library/busybox").pulledFrom("docker.io")).isTrue();
        assertThat(ImageRef.parse("f", "GHCR.io/acme/web:1").pulledFrom("ghcr.io")).isTrue();
        assertThat(ImageRef.parse("f", "ghcr.io:443/acme/web:1").pulledFrom("ghcr.io")).isTrue();
        assertThat(ImageRef.parse("f", "ghcr.io/acme/web:1").pulledFrom("docker.io")).isFalse();
        assertThat(ImageRef.parse("f", "busybox").pulledFrom("ghcr.io")).isFalse();
        assertThat(ImageRef.parse("f", "127.0.0.1:5999/x/img:1").pulledFrom("127.0.0.1:5000")).isFalse();
        assertThat(ImageRef.parse("f", "127.0.0.1/x/img:1").pulledFrom("127.0.0.1:5000")).isFalse();
        assertThat(ImageRef.parse("f", "ghcr.io.evil.test/acme/web:1").pulledFrom("ghcr.io")).isFalse();
    }

    @Test
    void aGitHostKeyIsAnOpenSshPublicKeyWithoutHostOrComment() {
        var key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
        assertThat(GitHostKey.parse("f", key + " root@host").value()).isEqualTo(key);
        assertThat(GitHostKey.fromKnownHosts("[127.0.0.1]:2222 " + key).value()).isEqualTo(key);
        assertThat(GitHostKey.fromKnownHosts("# comment")).isNull();
        for (var bad : java.util.List.of("ssh-ed25519", "ssh-dss AAAAB3NzaC1kc3MAAACBAP", "ssh-ed25519 $(id)", "host.test " + key, "")) {
            assertThatThrownBy(() -> GitHostKey.parse("f", bad)).as(bad).isInstanceOf(InvalidInputException.class);
        }
    }
}
