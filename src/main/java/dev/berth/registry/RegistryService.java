package dev.berth.registry;

import dev.berth.api.Viewer;
import dev.berth.errors.InvalidInputException;
import dev.berth.errors.NotFoundException;
import dev.berth.execution.Containers;
import dev.berth.secrets.Secret;
import dev.berth.secrets.SecretBox;
import dev.berth.storage.Ids;
import dev.berth.storage.InTeam;
import dev.berth.storage.UniqueViolation;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Private registries of the viewer's team. Passwords are sealed and write-only; pulls get them through the Engine API. */
@Singleton
public class RegistryService {
    private final RegistryRows rows;
    private final SecretBox box;

    private final io.micronaut.context.event.ApplicationEventPublisher<RegistryDeleting> deleting;

    RegistryService(RegistryRows rows, SecretBox box, io.micronaut.context.event.ApplicationEventPublisher<RegistryDeleting> deleting) {
        this.deleting = deleting;
        this.rows = rows;
        this.box = box;
    }

    /** createRegistry's input, validated at the edge. */
    public record NewRegistry(RegistryHost host, String username, Secret password) {
        public static NewRegistry from(java.util.Map<String, Object> input) {
            var username = input.get("username") instanceof String u ? u : "";
            if (username.isEmpty() || username.length() > 255 || username.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
                throw new InvalidInputException("input.username", "1 to 255 printable characters without spaces");
            }
            var password = input.get("password") instanceof String p ? p : "";
            if (password.isEmpty() || password.length() > 4096) throw new InvalidInputException("input.password", "1 to 4096 characters");
            return new NewRegistry(RegistryHost.parse("input.url", input.get("url")), username, new Secret(password));
        }
    }

    @InTeam
    public Registry create(Viewer viewer, NewRegistry input) {
        var id = Ids.next();
        var registry = new Registry(id, viewer.teamId(), input.host().value(), input.username(),
                box.seal(input.password(), "registries:" + id), Instant.now());
        UniqueViolation.orConflict(() -> {
            rows.insert(registry);
            return null;
        }, "This team already has credentials for " + input.username() + " at " + input.host().value() + ".");
        return registry;
    }

    @InTeam
    public UUID delete(Viewer viewer, UUID id) {
        get(viewer, id);
        deleting.publishEvent(new RegistryDeleting(viewer.teamId(), id)); // an application pulling with it refuses
        rows.delete(viewer.teamId(), id);
        return id;
    }

    @InTeam(readOnly = true)
    public List<Registry> all(Viewer viewer) {
        return rows.all(viewer.teamId());
    }

    @InTeam(readOnly = true)
    public Registry get(Viewer viewer, UUID id) {
        return rows.byId(viewer.teamId(), id).orElseThrow(() -> new NotFoundException("Registry", id));
    }

    /** Credentials for pulling from {@code registryId}, or null when none is named (a public image). */
    @InTeam(readOnly = true)
    public @Nullable Containers.RegistryAuth auth(Viewer viewer, @Nullable UUID registryId) {
        if (registryId == null) return null;
        var registry = rows.byId(viewer.teamId(), registryId).orElse(null);
        if (registry == null) return null; // deleted since: the pull goes without credentials and says why it failed
        return new Containers.RegistryAuth(registry.host(), registry.username(), box.open(registry.passwordSealed(), "registries:" + registry.id()));
    }
}
