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
                         String privateSealed, @DateCreated @Nullable Instant createdAt) {
    @Override
    public String toString() {
        return "PrivateKey[id=" + id + ", fingerprint=" + fingerprint + "]";
    }
}
