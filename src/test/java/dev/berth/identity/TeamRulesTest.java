package dev.berth.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.testing.BerthTestBase;
import dev.berth.testing.TestUsers;
import dev.berth.testing.TestUsers.TestUser;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Invitations and the role rules: only owners touch owners, nobody changes their own role, a team keeps an owner. */
@MicronautTest
class TeamRulesTest extends BerthTestBase {

    @Override
    protected Map<String, String> overrides() {
        return Map.of("berth.ws.revalidate-every", "1s");
    }
    private static final String INVITE = "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token invitation { email role } } }";
    private static final String ACCEPT = "mutation($t: String!) { acceptInvitation(input: {token: $t}) { team { id } role } }";
    private static final String CHANGE = "mutation($i: ChangeMemberRoleInput!) { changeMemberRole(input: $i) { member { role } } }";

    /** An owner with a team, plus a second user joined to that team with {@code role}. */
    private TestUser join(TestUser owner, String role) {
        var joiner = TestUsers.signUp(server.getURI());
        var token = owner.http().data(INVITE, Map.of("i", Map.of("email", joiner.email(), "role", role)))
                .path("inviteMember").path("token").asText();
        var accepted = joiner.http().data(ACCEPT, Map.of("t", token)).path("acceptInvitation");
        assertThat(accepted.path("role").asText()).isEqualTo(role);
        return new TestUser(joiner.id(), joiner.email(), owner.teamId(), joiner.accessToken(), joiner.refreshToken(),
                joiner.http().inTeam(owner.teamId()));
    }

    private String code(TestUser actor, String userId, String role) {
        return actor.http().post(CHANGE, Map.of("i", Map.of("userId", userId, "role", role))).firstErrorCode();
    }

    @Test
    void anInvitationIsBoundToItsEmailAndUsableOnce() {
        var owner = TestUsers.signUp(server.getURI());
        var invitee = TestUsers.signUp(server.getURI());
        var stranger = TestUsers.signUp(server.getURI());
        var invite = owner.http().data(INVITE, Map.of("i", Map.of("email", invitee.email(), "role", "MEMBER"))).path("inviteMember");
        assertThat(invite.path("token").asText()).startsWith("berth_inv_");
        var token = invite.path("token").asText();
        assertThat(stranger.http().post(ACCEPT, Map.of("t", token)).firstErrorCode()).isEqualTo("NOT_FOUND");
        assertThat(invitee.http().post(ACCEPT, Map.of("t", token)).firstErrorCode()).isNull();
        assertThat(invitee.http().post(ACCEPT, Map.of("t", token)).firstErrorCode()).isEqualTo("CONFLICT");
        JsonNode members = owner.http().data("{ team { members { role user { email } } } }", Map.of()).path("team").path("members");
        assertThat(members.toString()).contains(invitee.email());
    }

    @Test
    void adminsCannotGrantOrTouchTheOwnerRole() {
        var owner = TestUsers.signUp(server.getURI());
        var admin = join(owner, "ADMIN");
        var member = join(owner, "MEMBER");
        assertThat(code(admin, member.id(), "OWNER")).isEqualTo("FORBIDDEN");
        assertThat(code(admin, owner.id(), "MEMBER")).isEqualTo("FORBIDDEN");
        assertThat(admin.http().post(INVITE, Map.of("i", Map.of("email", "x-" + member.email(), "role", "OWNER"))).firstErrorCode())
                .isEqualTo("FORBIDDEN");
        assertThat(code(admin, member.id(), "VIEWER")).isNull();
    }

    @Test
    void nobodyChangesTheirOwnRole() {
        var owner = TestUsers.signUp(server.getURI());
        var admin = join(owner, "ADMIN");
        assertThat(code(admin, admin.id(), "OWNER")).isEqualTo("FORBIDDEN");
        assertThat(code(owner, owner.id(), "ADMIN")).isEqualTo("FORBIDDEN");
    }

    @Test
    void membersAndViewersCannotManageTheTeam() {
        var owner = TestUsers.signUp(server.getURI());
        var member = join(owner, "MEMBER");
        var viewer = join(owner, "VIEWER");
        assertThat(code(member, viewer.id(), "ADMIN")).isEqualTo("FORBIDDEN");
        assertThat(code(viewer, viewer.id(), "OWNER")).isEqualTo("FORBIDDEN");
        assertThat(viewer.http().post("mutation { createProject(input: {name: \"nope\"}) { project { id } } }").firstErrorCode())
                .isEqualTo("FORBIDDEN");
        assertThat(viewer.http().post("{ projects(first: 1) { edges { cursor } } }").firstErrorCode()).isNull();
    }

    @Test
    void theLastOwnerCannotLeaveOrBeRemoved() {
        var owner = TestUsers.signUp(server.getURI());
        var leave = owner.http().post("mutation($t: ID!) { leaveTeam(input: {teamId: $t}) { teamId } }", Map.of("t", owner.teamId()));
        assertThat(leave.firstErrorCode()).isEqualTo("POLICY_VIOLATION");
        var second = join(owner, "OWNER");
        assertThat(second.http().post("mutation($t: ID!) { leaveTeam(input: {teamId: $t}) { teamId } }", Map.of("t", owner.teamId()))
                .firstErrorCode()).isNull();
    }

    @Test
    void aRemovedMembersLiveStreamEnds() {
        var owner = TestUsers.signUp(server.getURI());
        var member = join(owner, "MEMBER");
        try (var client = dev.berth.testing.WsClient.connect(server.getURI())) {
            client.send(Map.of("type", "connection_init", "payload",
                    Map.of("authorization", "Bearer " + member.accessToken(), "team", owner.teamId())));
            assertThat(client.next(java.time.Duration.ofSeconds(10)).path("type").asText()).isEqualTo("connection_ack");
            client.subscribe("p", "subscription { projectEvents { kind } }");
            owner.http().data("mutation($u: ID!) { removeMember(input: {userId: $u}) { removedUserId } }", Map.of("u", member.id()));
            var error = client.next(java.time.Duration.ofSeconds(30));
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("id").asText()).isEqualTo("p");
            assertThat(client.awaitClose(java.time.Duration.ofSeconds(30))).isEqualTo(4403);
        }
    }

    @Test
    void aRemovedMemberLosesAccessAtOnce() {
        var owner = TestUsers.signUp(server.getURI());
        var member = join(owner, "MEMBER");
        assertThat(member.http().post("{ team { id } }").firstErrorCode()).isNull();
        assertThat(owner.http().post("mutation($u: ID!) { removeMember(input: {userId: $u}) { removedUserId } }", Map.of("u", member.id()))
                .firstErrorCode()).isNull();
        assertThat(member.http().post("{ team { id } }").status()).isEqualTo(401);
    }
}
