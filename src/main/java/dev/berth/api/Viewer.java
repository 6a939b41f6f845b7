package dev.berth.api;

import graphql.schema.DataFetchingEnvironment;
import java.util.UUID;

/**
 * Who is calling, resolved once per request (HTTP) or connection (graphql-ws) and passed to services. Fetchers
 * read it from the GraphQL context; nothing looks it up from a thread-local.
 */
public record Viewer(UUID teamId) {
    static final String CONTEXT_KEY = "berth.viewer";

    public static Viewer from(DataFetchingEnvironment env) {
        Viewer viewer = env.getGraphQlContext().get(CONTEXT_KEY);
        if (viewer == null) throw new IllegalStateException("no viewer in the GraphQL context");
        return viewer;
    }
}
