package dev.berth.deployment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.secrets.Secret;
import dev.berth.secrets.SecretBox;
import jakarta.inject.Singleton;
import java.io.UncheckedIOException;
import java.util.UUID;

/** A deployment's environment as stored: its whole JSON sealed with the secret box, bound to the deployment's id. */
@Singleton
final class SealedEnvironments {
    private final SecretBox box;
    private final ObjectMapper json;

    SealedEnvironments(SecretBox box, ObjectMapper json) {
        this.box = box;
        this.json = json;
    }

    String seal(UUID deploymentId, Snapshot.Environment environment) {
        try {
            return box.seal(new Secret(json.writeValueAsString(environment)), context(deploymentId));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    Snapshot.Environment open(UUID deploymentId, String sealed) {
        try {
            return json.readValue(box.open(sealed, context(deploymentId)).value(), Snapshot.Environment.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String context(UUID deploymentId) {
        return "deployments:" + deploymentId;
    }
}
