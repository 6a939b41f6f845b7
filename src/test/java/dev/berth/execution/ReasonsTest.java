package dev.berth.execution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReasonsTest {
    @Test
    void aDaemonsMessageComesOutOfItsEnvelopeAndNoClassNameIsEverTheReason() {
        var daemon = new com.github.dockerjava.api.exception.InternalServerErrorException(
                "Status 500: {\"message\":\"Get \\\"https://r.example.test/v2/\\\": dial tcp: lookup r.example.test: no such host\"}\n");
        assertThat(Reasons.plain(daemon)).isEqualTo("Get \"https://r.example.test/v2/\": dial tcp: lookup r.example.test: no such host");
        assertThat(Reasons.plain(new java.io.IOException())).isEqualTo("no detail was given");
        assertThat(Reasons.plain(new IllegalStateException(null, new java.net.ConnectException("Connection refused"))))
                .isEqualTo("Connection refused");
        assertThat(Reasons.plain(new RuntimeException(new java.io.IOException("No such file or directory"))))
                .as("a wrapper's class-named message is skipped").isEqualTo("No such file or directory");
        assertThat(Reasons.plain(new IllegalStateException("kept\twhole\n"))).as("left whole for the mask").isEqualTo("kept\twhole");
        assertThat(Reasons.plain(new IllegalStateException("x".repeat(20_000)))).as("cut only after masking, by the caller").hasSize(20_000);
        assertThat(Reasons.plain(new IllegalStateException("{\"message\":\"caf\\u00e9\"}"))).isEqualTo("café");
    }
}
