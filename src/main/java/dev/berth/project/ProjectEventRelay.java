package dev.berth.project;

import dev.berth.events.EventBus;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import jakarta.inject.Singleton;

/** Forwards project changes to Dragonfly once their transaction committed, so no one sees a rolled-back change. */
@Singleton
class ProjectEventRelay {
    private final EventBus events;

    ProjectEventRelay(EventBus events) {
        this.events = events;
    }

    @TransactionalEventListener(TransactionalEventListener.TransactionPhase.AFTER_COMMIT)
    void onCommitted(ProjectChanged event) {
        events.publish(ProjectChanged.channel(event.teamId()), event);
    }
}
