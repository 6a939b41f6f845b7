package dev.berth.api;

import io.micronaut.core.annotation.Nullable;

/**
 * Turns the credentials of a request (the {@code Authorization} header, or {@code authorization} in the
 * graphql-ws {@code connection_init} payload) into a {@link Viewer}. No credentials give an anonymous viewer.
 * Identity supplies the implementation.
 */
public interface ViewerResolver {
    /**
     * @param team optional team to act in (header {@code X-Berth-Team} or {@code team} in the connection payload)
     * @throws dev.berth.errors.BerthException with code UNAUTHENTICATED when credentials are present but not accepted
     */
    Viewer resolve(@Nullable String authorization, @Nullable String team, Viewer.Client client);

    /**
     * Tokens, sessions, memberships or users changed in a transaction this node just committed: forget every caller
     * resolved before (other nodes hear of it from the database).
     */
    void credentialsChanged();

    /** Re-checks a long-lived viewer (a subscription's): false once its token, session or membership is gone. */
    boolean stillValid(Viewer viewer);

    /**
     * A number that moves whenever credentials may have changed (on this node, or on another heard of through the
     * database): a viewer resolved when it read some value needs {@link #stillValid} only once it moved.
     */
    long credentialsGeneration();
}
