package dev.berth.runtime;

import io.micronaut.context.BeanContext;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;

/**
 * Builds and starts every {@link StartsWhenReady} bean once the node is ready, each on a virtual thread of its own (one
 * that fails or is slow keeps none of the others waiting). Only their definitions are looked at before: a bean whose
 * requirements do not hold (a setting that turns it off) is not among them.
 */
@Singleton
final class ReadyStarts {
    private final ReadyGate gate;
    private final BeanContext context;

    ReadyStarts(ReadyGate gate, BeanContext context) {
        this.gate = gate;
        this.context = context;
    }

    @EventListener
    void onStartup(ServerStartupEvent event) {
        for (var definition : context.getBeanDefinitions(StartsWhenReady.class)) {
            gate.startAfterReady("berth-start-" + definition.getBeanType().getSimpleName(), () -> context.getBean(definition),
                    StartsWhenReady::startWhenReady);
        }
    }
}
