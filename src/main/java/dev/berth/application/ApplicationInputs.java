package dev.berth.application;

import dev.berth.api.Arguments;
import dev.berth.project.ResourceName;
import io.micronaut.core.annotation.Nullable;
import java.util.Map;
import java.util.UUID;

/** The inputs of createApplication and updateApplication, read and validated at the edge. */
public final class ApplicationInputs {
    private ApplicationInputs() {}

    /** createApplication's input. */
    public record NewApplication(UUID environmentId, UUID serverId, ResourceName name, ApplicationSource source, SettingsInput settings) {
        @SuppressWarnings("unchecked")
        public static NewApplication from(Map<String, Object> input) {
            return new NewApplication(Arguments.id("input.environmentId", input.get("environmentId")),
                    Arguments.id("input.serverId", input.get("serverId")), ResourceName.of("input.name", input.get("name")),
                    ApplicationSource.from("input.source", (Map<String, Object>) input.get("source")), SettingsInput.from(input));
        }
    }

    /** updateApplication's input: null fields stay as they are. */
    public record ApplicationChange(UUID id, @Nullable ResourceName name, @Nullable UUID serverId, @Nullable ApplicationSource source,
                                    SettingsInput settings) {
        @SuppressWarnings("unchecked")
        public static ApplicationChange from(Map<String, Object> input) {
            return new ApplicationChange(Arguments.id("input.id", input.get("id")),
                    input.get("name") == null ? null : ResourceName.of("input.name", input.get("name")),
                    input.get("serverId") == null ? null : Arguments.id("input.serverId", input.get("serverId")),
                    input.get("source") == null ? null : ApplicationSource.from("input.source", (Map<String, Object>) input.get("source")),
                    SettingsInput.from(input));
        }
    }
}
