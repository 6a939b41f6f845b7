package dev.berth.audit;

import java.util.UUID;

/** Published on {@code berth:<team>:audit} after the audited change committed. */
public record AuditRecorded(UUID teamId, UUID eventId) {
    static String channel(UUID teamId) {
        return "berth:" + teamId + ":audit";
    }
}
