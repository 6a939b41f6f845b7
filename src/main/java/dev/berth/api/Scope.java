package dev.berth.api;

import java.util.Arrays;
import java.util.Optional;

/** What a personal access token may be used for; a signed-in session has every scope its role allows. */
public enum Scope {
    READ("read"),
    WRITE("write"),
    DEPLOY("deploy"),
    SECRETS_READ("secrets:read"),
    ADMIN("admin");

    private final String wire;

    /** Scopes that let a token change something; a token without one of them runs no mutation at all. */
    public boolean writeClass() {
        return this == WRITE || this == DEPLOY || this == ADMIN;
    }

    Scope(String wire) {
        this.wire = wire;
    }

    /** The name used in the API and stored with tokens, e.g. {@code secrets:read}. */
    public String wire() {
        return wire;
    }

    public static Optional<Scope> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(value)).findFirst();
    }
}
