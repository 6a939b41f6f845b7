package dev.berth.api;

import dev.berth.errors.NotFoundException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The project limit of personal access tokens, applied by construction to every {@link ProjectOwned} resource:
 * services load through {@link #visible}, and every field's result passes {@link #filter}, so a resource outside
 * a token's projects is NOT_FOUND (a single object) or absent (in a list), exactly like another team's.
 */
public final class ProjectScope {
    private ProjectScope() {}

    /** The resource when the viewer may see its project. */
    public static <T extends ProjectOwned> Optional<T> visible(Viewer viewer, Optional<T> resource) {
        return resource.filter(r -> !viewer.excludes(r.projectId()));
    }

    /** A field's result with every project-owned object outside the viewer's projects removed. */
    static Object filter(Viewer viewer, Object result) {
        if (viewer.projectIds() == null) return result;
        return switch (result) {
            case ProjectOwned owned when viewer.excludes(owned.projectId()) -> throw new NotFoundException(owned.getClass().getSimpleName(), "in your projects");
            case List<?> list -> list.stream().filter(item -> !(item instanceof ProjectOwned o && viewer.excludes(o.projectId()))).toList();
            case CompletionStage<?> pending -> pending.thenApply(value -> filter(viewer, value));
            case null, default -> result;
        };
    }
}
