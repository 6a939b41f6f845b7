package dev.berth.api;

import java.util.EnumSet;
import java.util.Set;

/** A member's role in a team, weakest first. A role caps what a token of that member may do. */
public enum Role {
    VIEWER(EnumSet.of(Scope.READ)),
    MEMBER(EnumSet.of(Scope.READ, Scope.WRITE, Scope.DEPLOY)),
    ADMIN(EnumSet.allOf(Scope.class)),
    OWNER(EnumSet.allOf(Scope.class));

    private final Set<Scope> allowed;

    Role(Set<Scope> allowed) {
        this.allowed = allowed;
    }

    /** The scopes this role may exercise at most. */
    public Set<Scope> allowedScopes() {
        return allowed;
    }

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }
}
