package dev.berth.server;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** An SSH key pair; the private part is sealed by the master key and never returned. */
@MappedEntity("private_keys")
public record PrivateKey(@Id UUID id, UUID teamId, String name, String algorithm, String publicKey, String fingerprint,
                         String privateSealed, Purpose purpose, @DateCreated @Nullable Instant createdAt) {
    /**
     * What a key is for, fixed when it is made: a server's key logs Berth into servers and never leaves Berth; a
     * deploy key is handed to a server for one clone. One key is never both.
     */
    public enum Purpose { SERVER, DEPLOY }

    @Override
    public String toString() {
        return "PrivateKey[id=" + id + ", purpose=" + purpose + ", fingerprint=" + fingerprint + "]";
    }
}
