package dev.berth.events;

import io.micronaut.transaction.annotation.TransactionalEventListener;
import jakarta.inject.Singleton;

/** Forwards every {@link ChannelEvent} to its channel after its transaction committed, never before. */
@Singleton
class AfterCommitRelay {
    private final EventBus bus;

    AfterCommitRelay(EventBus bus) {
        this.bus = bus;
    }

    @TransactionalEventListener(TransactionalEventListener.TransactionPhase.AFTER_COMMIT)
    void onCommitted(ChannelEvent event) {
        bus.publish(event.channel(), event);
    }
}
