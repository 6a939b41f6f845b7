package dev.berth.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestUsers;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Password hashing holds no database connection: 50 concurrent logins at the production Argon2 cost, on a pool
 * of 10 connections with a 2 s wait limit, all succeed, and queries made meanwhile are all answered.
 */
@MicronautTest
class ConcurrentLoginsTest extends BerthTestBase {

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.database.max-pool-size", "10", "berth.database.connection-timeout", "2s",
                // production's cost (the test default is cheap): the slow part must run outside transactions
                "berth.identity.password-memory-kib", "19456", "berth.identity.password-iterations", "2");
    }

    @org.junit.jupiter.api.BeforeEach
    @org.junit.jupiter.api.AfterEach
    void forgetLoginAttemptsFromLoopback() {
        dev.berth.testing.RedisChannels.forget("berth:rl:login:ip:127.0.0.1"); // 50 logins exceed the per-IP budget of 30 a minute
    }

    @Test
    void fiftyConcurrentLoginsNeitherExhaustThePoolNorStallOtherRequests() throws Exception {
        var user = TestUsers.signUp(server.getURI());
        var login = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }";
        var tasks = new ArrayList<Callable<String>>();
        for (int i = 0; i < 50; i++) {
            tasks.add(() -> anonymous().post(login, Map.of("i", Map.of("email", user.email(), "password", TestUsers.PASSWORD))).firstErrorCode());
        }
        for (int i = 0; i < 25; i++) tasks.add(() -> user.http().post("{ projects(first: 5) { edges { node { id } } } }").firstErrorCode());
        var outcomes = new ArrayList<String>();
        try (var executor = Executors.newFixedThreadPool(75)) {
            for (var future : executor.invokeAll(tasks)) outcomes.add(String.valueOf(future.get()));
        }
        // 30 logins a minute per address is the throttle: the rest are RATE_LIMITED, never INTERNAL (pool timeout)
        assertThat(outcomes).allMatch(code -> code.equals("null") || code.equals("RATE_LIMITED"));
        assertThat(outcomes.subList(50, 75)).containsOnly("null");
        assertThat(outcomes.subList(0, 50).stream().filter("null"::equals).count()).isGreaterThanOrEqualTo(29);
    }
}
