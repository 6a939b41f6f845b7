package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.errors.NotFoundException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Any ProjectOwned resource, including ones not written yet, is cut to a limited token's projects. */
class ProjectScopeTest {
    /** A resource of a future feature: implementing ProjectOwned is all it does. */
    record Deployment(UUID id, UUID projectId) implements ProjectOwned {}

    private final UUID allowed = UUID.randomUUID();
    private final UUID other = UUID.randomUUID();
    private final Viewer limited = new Viewer(UUID.randomUUID(), UUID.randomUUID(), Role.MEMBER, Set.of(Scope.READ),
            UUID.randomUUID(), null, Set.of(allowed), false, null);
    private final Viewer session = new Viewer(UUID.randomUUID(), UUID.randomUUID(), Role.MEMBER, Set.of(Scope.READ),
            null, UUID.randomUUID(), null, false, null);

    @Test
    void aResourceOutsideTheTokensProjectsIsNotFound() {
        var hidden = new Deployment(UUID.randomUUID(), other);
        assertThatThrownBy(() -> ProjectScope.filter(limited, hidden)).isInstanceOf(NotFoundException.class);
        assertThat(ProjectScope.filter(session, hidden)).isSameAs(hidden);
        assertThat(ProjectScope.visible(limited, java.util.Optional.of(hidden))).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void listsAndPendingResultsAreFilteredToo() throws Exception {
        var mine = new Deployment(UUID.randomUUID(), allowed);
        var theirs = new Deployment(UUID.randomUUID(), other);
        assertThat((List<Object>) ProjectScope.filter(limited, List.of(mine, theirs))).containsExactly(mine);
        var pending = (java.util.concurrent.CompletionStage<?>) ProjectScope.filter(limited, CompletableFuture.completedFuture(List.of(theirs, mine)));
        assertThat((List<Object>) pending.toCompletableFuture().get()).containsExactly(mine);
    }
}
