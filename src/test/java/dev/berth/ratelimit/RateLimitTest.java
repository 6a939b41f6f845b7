package dev.berth.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestUsers;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Budgets in Dragonfly: query cost per user, login attempts per IP (aliases count one by one) and per account. */
@MicronautTest
class RateLimitTest extends BerthTestBase {

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.rate-limit.cost-per-minute", "60", "berth.graphql.max-aliases", "100");
    }

    @BeforeEach
    @AfterEach
    void forgetLoginAttemptsFromLoopback() {
        dev.berth.testing.RedisChannels.forget("berth:rl:login:ip:127.0.0.1");
    }

    @Test
    void overTheCostBudgetIs429WithRetryAfter() {
        var user = TestUsers.signUp(server.getURI());
        int ok = 0;
        dev.berth.testing.HttpResult last = null;
        for (int i = 0; i < 100; i++) {
            last = user.http().post("{ me { user { id email name } } }");
            if (last.status() != 200) break;
            ok++;
        }
        assertThat(ok).isBetween(5, 60);
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.firstErrorCode()).isEqualTo("RATE_LIMITED");
        assertThat(last.json().path("errors").get(0).path("extensions").path("retryAfter").asLong()).isBetween(1L, 60L);
        assertThat(last.headers().firstValue("retry-after")).isPresent();
    }

    @Test
    void aliasedLoginsCountOneByOne() {
        // Each alias is one login attempt against the per-IP budget (30 a minute), successful or not. (A failed
        // attempt ends a document early anyway: login's payload is non-null.)
        var user = TestUsers.signUp(server.getURI());
        var document = new StringBuilder("mutation($i: LoginInput!) {");
        for (int i = 0; i < 35; i++) document.append(" a").append(i).append(": login(input: $i) { accessToken }");
        var result = anonymous().post(document.append(" }").toString(),
                Map.of("i", Map.of("email", user.email(), "password", TestUsers.PASSWORD)));
        var error = result.json().path("errors").get(0);
        assertThat(error.path("extensions").path("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(error.path("path").get(0).asText()).isEqualTo("a30");
    }

    @Test
    void tooManyFailuresLockTheAccountEvenForTheRightPassword() {
        var user = TestUsers.signUp(server.getURI());
        var login = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }";
        for (int i = 0; i < 10; i++) {
            assertThat(anonymous().post(login, Map.of("i", Map.of("email", user.email(), "password", "wrong " + i))).firstErrorCode())
                    .isEqualTo("UNAUTHENTICATED");
        }
        var locked = anonymous().post(login, Map.of("i", Map.of("email", user.email(), "password", TestUsers.PASSWORD)));
        assertThat(locked.firstErrorCode()).isEqualTo("RATE_LIMITED");
    }
}
