package dev.berth.audit;

import dev.berth.api.Viewer;
import dev.berth.errors.InvalidInputException;
import dev.berth.events.EventBus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.ReadOnly;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import reactor.core.publisher.Flux;

/** Reads the current team's audit log. */
@Singleton
public class AuditService {
    private static final UUID AFTER_ALL = new UUID(-1L, -1L);

    private final AuditRepository events;
    private final EventBus bus;
    private final dev.berth.storage.Tenancy tenancy;

    AuditService(AuditRepository events, EventBus bus, dev.berth.storage.Tenancy tenancy) {
        this.events = events;
        this.bus = bus;
        this.tenancy = tenancy;
    }

    @ReadOnly
    public List<AuditEvent> page(Viewer viewer, @Nullable Map<String, Object> filter, @Nullable String search, int limit, @Nullable UUID before) {
        tenancy.enter(viewer.teamId());
        var f = filter == null ? Map.<String, Object>of() : filter;
        var actor = f.get("actorId") == null ? null : dev.berth.api.Arguments.id("filter.actorId", f.get("actorId"));
        if (search != null && search.length() > 200) throw new InvalidInputException("search", "at most 200 characters");
        return events.page(viewer.teamId(), before == null ? AFTER_ALL : before, (String) f.get("action"),
                (String) f.get("resourceType"), (String) f.get("resourceId"), actor, (Instant) f.get("from"),
                (Instant) f.get("to"), search == null || search.isBlank() ? null : search, limit);
    }

    @ReadOnly
    public Optional<AuditEvent> find(Viewer viewer, UUID id) {
        tenancy.enter(viewer.teamId());
        return events.findById(id).filter(e -> viewer.teamId().equals(e.teamId()));
    }

    /** Live events of the viewer's team. */
    public Flux<AuditEvent> follow(Viewer viewer) {
        return bus.subscribe(AuditRecorded.channel(viewer.teamId()), AuditRecorded.class)
                .concatMap(recorded -> reactor.core.publisher.Mono.justOrEmpty(find(viewer, recorded.eventId())));
    }
}
