package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import dev.berth.testing.SshKeys;
import dev.berth.testing.TestServers;
import dev.berth.testing.TestUsers;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Private keys and servers through GraphQL: validation at the edge, secrets sealed, ids team-scoped. */
@MicronautTest
class ServerApiTest extends BerthTestBase {
    private static final String GENERATE = "mutation($n: String!) { generatePrivateKey(input: {name: $n}) { privateKey { id algorithm publicKey fingerprint } } }";
    private static final String IMPORT = "mutation($n: String!, $p: String!) { importPrivateKey(input: {name: $n, pem: $p}) { privateKey { id fingerprint } } }";
    private static final String CREATE = "mutation($i: CreateServerInput!) { createServer(input: $i) { server { id host port user status privateKey { id } } } }";

    private String keyId() {
        return http().data(GENERATE, Map.of("n", uniqueName("k"))).path("generatePrivateKey").path("privateKey").path("id").asText();
    }

    private Map<String, Object> server(String keyId, Object... overrides) {
        var input = new HashMap<String, Object>(Map.of("name", uniqueName("s"), "host", "127.0.0.1", "privateKeyId", keyId));
        for (int i = 0; i < overrides.length; i += 2) input.put((String) overrides[i], overrides[i + 1]);
        return input;
    }

    @Test
    void aGeneratedKeyIsEd25519AndItsFingerprintMatchesSshKeygens() {
        var key = http().data(GENERATE, Map.of("n", uniqueName("deploy"))).path("generatePrivateKey").path("privateKey");
        assertThat(key.path("algorithm").asText()).isEqualTo("ssh-ed25519");
        assertThat(key.path("publicKey").asText()).startsWith("ssh-ed25519 AAAA");
        assertThat(key.path("fingerprint").asText()).isEqualTo(SshKeys.fingerprintOf(key.path("publicKey").asText()));
    }

    @Test
    void importedKeysKeepTheirFingerprintAndArePublicOnly() throws Exception {
        for (var type : List.of("ed25519", "rsa", "ecdsa")) {
            var pair = SshKeys.generate(type);
            var result = http().post(IMPORT, Map.of("n", uniqueName(type), "p", pair.pem()));
            assertThat(result.firstErrorCode()).as(type).isNull();
            assertThat(result.json().path("data").path("importPrivateKey").path("privateKey").path("fingerprint").asText()).isEqualTo(pair.fingerprint());
            assertThat(result.body()).doesNotContain("PRIVATE KEY");
        }
        var props = TestServers.properties();
        try (var c = DriverManager.getConnection(props.get("berth.database.url"), props.get("berth.database.username"), "");
             var rows = c.createStatement().executeQuery("SELECT private_sealed FROM private_keys")) {
            while (rows.next()) assertThat(rows.getString(1)).startsWith("v1:").doesNotContain("PRIVATE KEY");
        }
    }

    @Test
    void garbageIsNotAKey() {
        var result = http().post(IMPORT, Map.of("n", uniqueName("bad"), "p", "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----"));
        assertThat(result.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
        assertThat(result.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("input.pem");
    }

    @ParameterizedTest
    @ValueSource(strings = {"host:169.254.169.254", "host:::ffff:169.254.169.254", "host:0.0.0.0", "host:metadata.google.internal",
            "host:255.255.255.255", "host:224.0.0.1", "host:fe80::1", "host:$(touch /tmp/x)", "host:-oProxyCommand=sh", "host:a b", "host:300.1.1.1", "host:example..com",
            "host:", "host:a;b", "port:0", "port:70000", "user:Root", "user:-x", "user:a b", "user:$(id)", "name:Bad Name"})
    void hostileAddressesAreBadUserInputNamingTheField(String fieldAndValue) {
        var field = fieldAndValue.substring(0, fieldAndValue.indexOf(':'));
        var raw = fieldAndValue.substring(field.length() + 1);
        Object value = field.equals("port") ? Integer.valueOf(raw) : raw;
        var result = http().post(CREATE, Map.of("i", server(keyId(), field, value)));
        assertThat(result.firstErrorCode()).isEqualTo("BAD_USER_INPUT");
        assertThat(result.json().path("errors").get(0).path("extensions").path("field").asText()).isEqualTo("input." + field);
    }

    @Test
    void aServerDefaultsToPort22AndRootAndStartsUnknown() {
        // a host name that resolves locally: background probes may connect to every stored server
        var server = http().data(CREATE, Map.of("i", server(keyId(), "host", "localhost"))).path("createServer").path("server");
        assertThat(server.path("port").asInt()).isEqualTo(22);
        assertThat(server.path("user").asText()).isEqualTo("root");
        assertThat(server.path("status").asText()).isEqualTo("UNKNOWN");
        var v6 = http().post(CREATE, Map.of("i", server(keyId(), "host", "::1")));
        assertThat(v6.firstErrorCode()).isNull();
    }

    @Test
    void anotherTeamsKeyIsNotFoundAndAUsedKeyCannotBeDeleted() {
        var stranger = TestUsers.signUp(server.getURI());
        var theirs = stranger.http().data(GENERATE, Map.of("n", "theirs")).path("generatePrivateKey").path("privateKey").path("id").asText();
        assertThat(http().post(CREATE, Map.of("i", server(theirs))).firstErrorCode()).isEqualTo("NOT_FOUND");
        var mine = keyId();
        http().data(CREATE, Map.of("i", server(mine)));
        var delete = http().post("mutation($id: ID!) { deletePrivateKey(input: {id: $id}) { deletedPrivateKeyId } }", Map.of("id", mine));
        assertThat(delete.firstErrorCode()).isEqualTo("CONFLICT");
    }
}
