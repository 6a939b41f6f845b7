package dev.berth.application;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.berth.errors.InvalidInputException;
import io.micronaut.core.annotation.Nullable;
import java.util.Map;
import java.util.UUID;

/** Where an application's image comes from. Stored as JSON with a {@code type} of {@code image} or {@code git}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = ApplicationSource.Image.class, name = "image"),
        @JsonSubTypes.Type(value = ApplicationSource.Git.class, name = "git")})
public sealed interface ApplicationSource {

    /** A ready-made image (validated when parsed; stored as the text the user gave). */
    record Image(String image, @Nullable UUID registryId) implements ApplicationSource {
        public ImageRef ref() {
            return ImageRef.parse("source.image.image", image);
        }
    }

    /**
     * A repository with a Dockerfile; {@code deployKeyId} is a deploy key of the same team, or null; {@code hostKey} the
     * SSH key pinned for the repository's host (learned at the first clone over SSH, or given), null until then.
     */
    record Git(String repository, String ref, String dockerfile, String context, @Nullable UUID deployKeyId,
               @Nullable String hostKey) implements ApplicationSource {
        public Git(String repository, String ref, String dockerfile, String context, @Nullable UUID deployKeyId) {
            this(repository, ref, dockerfile, context, deployKeyId, null);
        }

        /** The same source with the pin of {@code earlier} kept when it names the same repository and no pin was given. */
        public Git keepingPinOf(ApplicationSource earlier) {
            if (hostKey != null || !(earlier instanceof Git before) || before.hostKey() == null || !before.repository().equals(repository)) return this;
            return new Git(repository, ref, dockerfile, context, deployKeyId, before.hostKey());
        }
    }

    /**
     * Reads {@code input.source}: exactly one of {@code image} and {@code git}, validated. The ids it names (deploy
     * key, registry) are checked against the caller's team by the service.
     */
    @SuppressWarnings("unchecked")
    public static ApplicationSource from(String field, Map<String, Object> input) {
        var image = (Map<String, Object>) input.get("image");
        var git = (Map<String, Object>) input.get("git");
        if ((image == null) == (git == null)) throw new InvalidInputException(field, "give exactly one of image and git");
        if (image != null) {
            var registry = image.get("registryId") == null ? null : dev.berth.api.Arguments.id(field + ".image.registryId", image.get("registryId"));
            return new Image(ImageRef.parse(field + ".image.image", image.get("image")).text(), registry);
        }
        var key = git.get("deployKeyId") == null ? null : dev.berth.api.Arguments.id(field + ".git.deployKeyId", git.get("deployKeyId"));
        return new Git(GitUrl.parse(field + ".git.repository", git.get("repository")).value(),
                GitRef.parse(field + ".git.ref", git.get("ref")).value(),
                RelativePath.parse(field + ".git.dockerfile", git.get("dockerfile"), "Dockerfile").value(),
                RelativePath.parse(field + ".git.context", git.get("context"), ".").value(),
                key, hostKey(field + ".git.hostKey", git.get("hostKey")));
    }

    private static String hostKey(String field, Object text) {
        var key = GitHostKey.parse(field, text);
        return key == null ? null : key.value();
    }
}
