package dev.berth.identity;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.DateCreated;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A person who signs in. The password hash never leaves the identity package. */
@MappedEntity("users")
public record User(@Id UUID id, String email, String emailNormalized, String name, String passwordHash,
                   boolean instanceAdmin, Instant passwordChangedAt, @DateCreated @Nullable Instant createdAt) {

    @Override
    public String toString() {
        return "User[id=" + id + "]";
    }

    User withPasswordHash(String hash, Instant changedAt) {
        return new User(id, email, emailNormalized, name, hash, instanceAdmin, changedAt, createdAt);
    }
}
