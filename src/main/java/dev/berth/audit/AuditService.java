package dev.berth.audit;

import dev.berth.storage.InTeam;
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

    AuditService(AuditRepository events, EventBus bus) {
        this.events = events;
        this.bus = bus;
    }

    @InTeam(readOnly = true)
    public List<AuditEvent> page(Viewer viewer, AuditFilter filter, int limit, @Nullable UUID before) {
        return events.page(viewer.teamId(), before == null ? AFTER_ALL : before, filter.action(), filter.resourceType(),
                filter.resourceId(), filter.actorId(), filter.from(), filter.to(), filter.search(), limit);
    }

    @InTeam(readOnly = true)
    public Optional<AuditEvent> find(Viewer viewer, UUID id) {
        return events.findById(id).filter(e -> viewer.teamId().equals(e.teamId()));
    }

    /** Live events of the viewer's team. */
    public Flux<AuditEvent> follow(Viewer viewer) {
        return bus.subscribe(AuditRecorded.channel(viewer.teamId()), AuditRecorded.class)
                .concatMap(recorded -> reactor.core.publisher.Mono.justOrEmpty(find(viewer, recorded.eventId())));
    }
}
