package dev.berth.application;

import dev.berth.secrets.Secret;
import io.micronaut.core.annotation.Nullable;

/**
 * A variable of one scope. {@code value} is the plain value of a non-secret variable and null for a secret one (the
 * API never shows a secret); {@code secretValue} carries the opened secret only where a container or build needs it.
 */
public record EnvironmentVariable(String key, @Nullable String value, boolean secret, boolean buildTime, Scope scope,
                                  @Nullable Secret secretValue) {
    public enum Scope { TEAM, PROJECT, ENVIRONMENT, APPLICATION }

    /** The value as the container gets it (secret or not). */
    public String plain() {
        return secret ? secretValue.value() : value;
    }

    /** The same variable without its opened secret: what the API returns. */
    public EnvironmentVariable shown() {
        return new EnvironmentVariable(key, value, secret, buildTime, scope, null);
    }
}
