package dev.berth.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.GraphQLHttp;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestUsers;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Sign-up, login, refresh rotation, logout, password change, and every kind of bad access token. */
@MicronautTest
class AuthFlowTest extends BerthTestBase {
    private static final String LOGIN = "mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken user { email } } }";
    private static final String REFRESH = "mutation($t: String!) { refreshSession(input: {refreshToken: $t}) { accessToken refreshToken } }";
    private static final String ME = "{ me { user { email } role scopes viaApiToken team { id } } }";

    private String codeOf(GraphQLHttp client, String query) {
        return client.post(query).firstErrorCode();
    }

    @Test
    void aNewUserOwnsATeamOfTheirOwn() {
        var user = TestUsers.signUp(server.getURI());
        var me = user.http().data(ME, Map.of()).path("me");
        assertThat(me.path("role").asText()).isEqualTo("OWNER");
        assertThat(me.path("viaApiToken").asBoolean()).isFalse();
        assertThat(me.path("scopes").toString()).contains("read", "write", "admin");
    }

    @Test
    void signUpValidatesAndRefusesADuplicateEmail() {
        var user = TestUsers.signUp(server.getURI());
        var again = anonymous().post("mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }",
                Map.of("i", Map.of("email", user.email().toUpperCase(), "password", TestUsers.PASSWORD, "name", "X")));
        assertThat(again.firstErrorCode()).isEqualTo("CONFLICT");
        var weak = anonymous().post("mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }",
                Map.of("i", Map.of("email", "weak-" + UUID.randomUUID() + "@example.test", "password", "short", "name", "X")));
        assertThat(weak.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
        assertThat(weak.body()).doesNotContain("short");
    }

    @Test
    void loginWithTheRightPasswordWorksAndTheWrongOneIsUnauthenticated() {
        var user = TestUsers.signUp(server.getURI());
        var ok = anonymous().data(LOGIN, Map.of("input", Map.of("email", user.email(), "password", TestUsers.PASSWORD)));
        assertThat(ok.path("login").path("user").path("email").asText()).isEqualTo(user.email());
        var wrong = anonymous().post(LOGIN, Map.of("input", Map.of("email", user.email(), "password", "not the password")));
        assertThat(wrong.firstErrorCode()).isEqualTo("UNAUTHENTICATED");
        var unknown = anonymous().post(LOGIN, Map.of("input", Map.of("email", "nobody@example.test", "password", "whatever")));
        assertThat(unknown.firstErrorCode()).isEqualTo("UNAUTHENTICATED");
        assertThat(unknown.json().path("errors").get(0).path("message").asText())
                .isEqualTo(wrong.json().path("errors").get(0).path("message").asText());
    }

    @Test
    void aRefreshTokenRotatesAndItsReuseRevokesTheSession() {
        var user = TestUsers.signUp(server.getURI());
        var first = anonymous().data(REFRESH, Map.of("t", user.refreshToken())).path("refreshSession");
        var newAccess = first.path("accessToken").asText();
        assertThat(anonymous().as(newAccess).post(ME).status()).isEqualTo(200);
        assertThat(codeOf(anonymous().as(newAccess), ME)).isNull();
        // replaying the first refresh token: theft is assumed, the whole session dies
        assertThat(anonymous().post(REFRESH, Map.of("t", user.refreshToken())).firstErrorCode()).isEqualTo("UNAUTHENTICATED");
        assertThat(anonymous().post(REFRESH, Map.of("t", first.path("refreshToken").asText())).firstErrorCode()).isEqualTo("UNAUTHENTICATED");
        assertThat(anonymous().as(newAccess).post(ME).status()).isEqualTo(401);
    }

    @Test
    void logoutEndsTheSession() {
        var user = TestUsers.signUp(server.getURI());
        assertThat(user.http().post("mutation { logout { clientMutationId } }").firstErrorCode()).isNull();
        assertThat(user.http().post(ME).status()).isEqualTo(401);
        assertThat(anonymous().post(REFRESH, Map.of("t", user.refreshToken())).firstErrorCode()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void changingThePasswordEndsOtherSessions() {
        var user = TestUsers.signUp(server.getURI());
        var other = anonymous().data(LOGIN, Map.of("input", Map.of("email", user.email(), "password", TestUsers.PASSWORD)))
                .path("login").path("accessToken").asText();
        var changed = user.http().post("mutation($i: ChangePasswordInput!) { changePassword(input: $i) { user { email } } }",
                Map.of("i", Map.of("currentPassword", TestUsers.PASSWORD, "newPassword", "an even longer passphrase")));
        assertThat(changed.firstErrorCode()).isNull();
        assertThat(user.http().post(ME).status()).isEqualTo(200);
        assertThat(anonymous().as(other).post(ME).status()).isEqualTo(401);
        var old = anonymous().post(LOGIN, Map.of("input", Map.of("email", user.email(), "password", TestUsers.PASSWORD)));
        assertThat(old.firstErrorCode()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void anonymousCallersCannotReadTeamData() {
        assertThat(codeOf(anonymous(), "{ projects(first: 1) { edges { cursor } } }")).isEqualTo("UNAUTHENTICATED");
        assertThat(codeOf(anonymous(), ME)).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void forgedAndStaleAccessTokensAreUnauthenticated() throws Exception {
        var user = TestUsers.signUp(server.getURI());
        var real = SignedJWT.parse(user.accessToken()).getJWTClaimsSet();
        var secret = TestServers.JWT_SECRET.getBytes();
        var expired = sign(new JWTClaimsSet.Builder(real).expirationTime(Date.from(Instant.now().minusSeconds(5))).build(), secret);
        var wrongAudience = sign(new JWTClaimsSet.Builder(real).audience("someone-else").build(), secret);
        var wrongKey = sign(real, "another-secret-that-is-long-enough-0123456789".getBytes());
        var none = new PlainJWT(real).serialize();
        var hs512 = new SignedJWT(new JWSHeader(JWSAlgorithm.HS512), real);
        hs512.sign(new MACSigner((TestServers.JWT_SECRET + TestServers.JWT_SECRET).getBytes()));
        for (var token : new String[] {expired, wrongAudience, wrongKey, none, hs512.serialize(), "garbage", user.accessToken() + "x"}) {
            var result = anonymous().as(token).post(ME);
            assertThat(result.status()).as(token).isEqualTo(401);
            assertThat(result.firstErrorCode()).isEqualTo("UNAUTHENTICATED");
        }
        assertThat(anonymous().as(sign(real, secret)).post(ME).status()).isEqualTo(200);
    }

    private static String sign(JWTClaimsSet claims, byte[] secret) throws Exception {
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }
}
