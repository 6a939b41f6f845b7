package dev.berth.identity;

import dev.berth.api.Role;
import dev.berth.api.Viewer;
import dev.berth.errors.ConflictException;
import dev.berth.errors.ForbiddenException;
import dev.berth.errors.NotFoundException;
import dev.berth.errors.PolicyViolationException;
import dev.berth.identity.IdentityRepositories.MembershipRepository;
import dev.berth.identity.IdentityRepositories.UserRepository;
import dev.berth.storage.Ids;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Teams and who is in them. The rules: only an OWNER grants OWNER or touches an OWNER; nobody changes their
 * own role; a team always keeps at least one OWNER.
 */
@Singleton
public class TeamService {
    private final TeamRepository teams;
    private final MembershipRepository memberships;
    private final InvitationRepository invitations;
    private final UserRepository users;
    private final BootstrapTeam bootstrap;
    private final IdentityProperties properties;

    TeamService(TeamRepository teams, MembershipRepository memberships, InvitationRepository invitations,
                UserRepository users, BootstrapTeam bootstrap, IdentityProperties properties) {
        this.teams = teams;
        this.memberships = memberships;
        this.invitations = invitations;
        this.users = users;
        this.bootstrap = bootstrap;
        this.properties = properties;
    }

    UUID bootstrapTeamId() {
        return bootstrap.id();
    }

    UUID createPersonalTeam(String ownerName) {
        var team = new Team(Ids.next(), "team-" + Ids.next().toString().substring(24), ownerName + "'s team", null);
        return teams.save(team).id();
    }

    @Transactional
    public Team create(Viewer viewer, String name) {
        var team = teams.save(new Team(Ids.next(), "team-" + Ids.next().toString().substring(24), name, null));
        memberships.save(new Membership(Ids.next(), team.id(), viewer.userId(), Role.OWNER, null));
        return team;
    }

    @ReadOnly
    public Team current(Viewer viewer) {
        return teams.findById(viewer.teamId()).orElseThrow(() -> new NotFoundException("Team", viewer.teamId()));
    }

    /** Every team's id: for background work that visits each tenant in turn (teams carry no row-level security). */
    @ReadOnly
    public List<UUID> allTeamIds() {
        var ids = new java.util.ArrayList<UUID>();
        teams.findAll().forEach(team -> ids.add(team.id()));
        return ids;
    }

    @ReadOnly
    public List<Team> byIds(Collection<UUID> ids) {
        return teams.findByIdIn(ids);
    }

    /** The caller's memberships: every one for a session, only the token's own team for a token. */
    @ReadOnly
    public List<Membership> membershipsOf(Viewer viewer) {
        return memberships.findByUserIdOrderByCreatedAt(viewer.userId()).stream().filter(m -> viewer.reaches(m.teamId())).toList();
    }

    /** Members of a team the caller belongs to and reaches; any other team's members are NOT_FOUND. */
    @ReadOnly
    public List<Membership> members(Viewer viewer, UUID teamId) {
        if (!viewer.reaches(teamId) || memberships.findByTeamIdAndUserId(teamId, viewer.userId()).isEmpty()) {
            throw new NotFoundException("Team", teamId);
        }
        return memberships.findByTeamIdOrderByCreatedAt(teamId);
    }

    /** Pending invitations of the current team (the policy limits this to OWNER and ADMIN); none for other teams. */
    @ReadOnly
    public List<Invitation> pendingInvitations(Viewer viewer, UUID teamId) {
        if (!teamId.equals(viewer.teamId())) return List.of(); // the current team is always within a token's reach
        return invitations.findByTeamIdAndAcceptedAtIsNullOrderByCreatedAt(teamId);
    }

    @Transactional
    public Invited invite(Viewer viewer, IdentityInputs.Invite input) {
        var email = input.email();
        var role = input.role();
        if (role == Role.OWNER && viewer.role() != Role.OWNER) throw new ForbiddenException("Only an owner can invite an owner.");
        var token = SecretTokens.generate(SecretTokens.INVITE_PREFIX);
        var invitation = invitations.save(new Invitation(Ids.next(), viewer.teamId(), Credentials.normalize(email), role,
                SecretTokens.hash(token), viewer.userId(), Instant.now().plus(properties.invitationTtl()), null, null));
        return new Invited(invitation, token);
    }

    /** Joins the invitation's team. The invitation must be for the caller's email, unused and unexpired. */
    @Transactional
    public Membership accept(Viewer viewer, String raw) {
        var invitation = invitations.findByTokenHash(SecretTokens.hash(raw))
                .orElseThrow(() -> new NotFoundException("Invitation", "with this token"));
        var user = users.findById(viewer.userId()).orElseThrow();
        if (!invitation.emailNormalized().equals(user.emailNormalized())) {
            throw new NotFoundException("Invitation", "with this token");
        }
        if (invitation.expiresAt().isBefore(Instant.now())) throw new PolicyViolationException("The invitation has expired.");
        if (invitations.accept(invitation.id()) == 0) throw new ConflictException("The invitation was already used.");
        if (memberships.findByTeamIdAndUserId(invitation.teamId(), user.id()).isPresent()) {
            throw new ConflictException("You are already a member of this team.");
        }
        return memberships.save(new Membership(Ids.next(), invitation.teamId(), user.id(), invitation.role(), null));
    }

    @Transactional
    public Membership changeRole(Viewer viewer, UUID userId, Role role) {
        if (userId.equals(viewer.userId())) throw new ForbiddenException("Nobody changes their own role.");
        memberships.lockTeam(viewer.teamId());
        var target = member(viewer, userId);
        if ((role == Role.OWNER || target.role() == Role.OWNER) && viewer.role() != Role.OWNER) {
            throw new ForbiddenException("Only an owner can grant or change the owner role.");
        }
        if (role != Role.OWNER) keepAnOwner(target);
        return memberships.update(target.withRole(role));
    }

    @Transactional
    public UUID remove(Viewer viewer, UUID userId) {
        memberships.lockTeam(viewer.teamId());
        var target = member(viewer, userId);
        if (target.role() == Role.OWNER && viewer.role() != Role.OWNER) throw new ForbiddenException("Only an owner can remove an owner.");
        keepAnOwner(target);
        memberships.delete(target);
        return userId;
    }

    @Transactional
    public UUID leave(Viewer viewer, UUID teamId) {
        memberships.lockTeam(teamId);
        var mine = memberships.findByTeamIdAndUserId(teamId, viewer.userId()).orElseThrow(() -> new NotFoundException("Team", teamId));
        keepAnOwner(mine);
        memberships.delete(mine);
        return teamId;
    }

    private Membership member(Viewer viewer, UUID userId) {
        return memberships.findByTeamIdAndUserId(viewer.teamId(), userId).orElseThrow(() -> new NotFoundException("Member", userId));
    }

    private void keepAnOwner(Membership leaving) {
        if (leaving.role() == Role.OWNER && memberships.countOwners(leaving.teamId()) <= 1) {
            throw new PolicyViolationException("A team needs at least one owner; make someone else owner first.");
        }
    }
}
