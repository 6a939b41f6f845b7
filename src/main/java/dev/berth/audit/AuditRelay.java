package dev.berth.audit;

import dev.berth.events.EventBus;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import jakarta.inject.Singleton;

/** Announces audit events on Dragonfly once their transaction committed. */
@Singleton
class AuditRelay {
    private final EventBus bus;

    AuditRelay(EventBus bus) {
        this.bus = bus;
    }

    @TransactionalEventListener(TransactionalEventListener.TransactionPhase.AFTER_COMMIT)
    void onCommitted(AuditRecorded event) {
        bus.publish(AuditRecorded.channel(event.teamId()), event);
    }
}
