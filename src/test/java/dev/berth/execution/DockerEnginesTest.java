package dev.berth.execution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Berth host's Docker client is built once per socket and kept, not rebuilt (with its own pool) per call. */
class DockerEnginesTest {
    @Test
    void aLocalClientIsReusedPerSocket() {
        var engines = new DockerEngines(null);
        try {
            var first = engines.local("/tmp/berth-test-nothing-here.sock"); // building a client connects to nothing
            assertThat(engines.local("/tmp/berth-test-nothing-here.sock")).isSameAs(first);
            assertThat(engines.local("/tmp/berth-test-other.sock")).isNotSameAs(first);
        } finally {
            engines.closeAll();
        }
    }

    /**
     * The Berth host's own Docker credentials ({@code ~/.docker/config.json}) never go to a daemon: a client's config
     * has no registry credentials even when that file holds some, so neither builds nor anonymous pulls carry them.
     */
    @Test
    void theBerthHostsDockerCredentialsReachNoClient() throws Exception {
        var home = java.nio.file.Files.createTempDirectory("berth-home-");
        var docker = java.nio.file.Files.createDirectories(home.resolve(".docker"));
        var auth = java.util.Base64.getEncoder().encodeToString("host-user:host-password".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.nio.file.Files.writeString(docker.resolve("config.json"),
                "{\"auths\": {\"127.0.0.1:5999\": {\"auth\": \"" + auth + "\"}, \"https://index.docker.io/v1/\": {\"auth\": \"" + auth + "\"}}}");
        var before = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            var stock = com.github.dockerjava.core.DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost("unix:///tmp/x.sock").build();
            assertThat(stock.getAuthConfigurations().getConfigs()).as("the stock config reads the file (the test can fail)").isNotEmpty();
            var config = DockerEngines.config("unix:///tmp/x.sock");
            assertThat(config.getAuthConfigurations().getConfigs()).isEmpty();
            for (var image : java.util.List.of("127.0.0.1:5999/x/img:1", "busybox:1")) {
                var effective = config.effectiveAuthConfig(image);
                assertThat(effective == null ? null : effective.getPassword()).as(image).isNull();
            }
        } finally {
            System.setProperty("user.home", before);
            dev.berth.testing.TempDirs.delete(home);
        }
    }
}
