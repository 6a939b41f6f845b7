package dev.berth.audit;

import static dev.berth.api.Access.MANAGE_TEAM;

import dev.berth.api.Access;
import dev.berth.api.AccessRules;
import jakarta.inject.Singleton;
import java.util.Map;

/** Who may resolve the fields of {@code schema/audit.graphqls}: OWNER and ADMIN only. */
@Singleton
final class AuditAccessRules implements AccessRules {
    @Override
    public Map<String, Access> rules() {
        return Map.of(
                "Query.auditEvents", MANAGE_TEAM,
                "Subscription.auditEvents", MANAGE_TEAM,
                "AuditEvent.*", MANAGE_TEAM,
                "AuditEventConnection.*", MANAGE_TEAM,
                "AuditEventEdge.*", MANAGE_TEAM);
    }
}
