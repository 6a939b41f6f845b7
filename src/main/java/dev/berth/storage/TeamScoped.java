package dev.berth.storage;

import io.micronaut.core.annotation.Nullable;
import java.util.UUID;

/** Whatever acts in one team (the API's Viewer): its transactions see that team's rows, and no other's. */
public interface TeamScoped {
    /** The team, or null for a caller in no team (sign-up, sign-in). */
    @Nullable UUID teamId();
}
