package dev.berth.api;

import io.micronaut.core.annotation.Nullable;

/**
 * Turns the credentials of a request (the {@code Authorization} header, or {@code authorization} in the
 * graphql-ws {@code connection_init} payload) into a {@link Viewer}. Identity supplies the implementation.
 */
public interface ViewerResolver {
    /** @throws dev.berth.errors.BerthException with code UNAUTHENTICATED when the credentials are not accepted */
    Viewer resolve(@Nullable String authorization);
}
