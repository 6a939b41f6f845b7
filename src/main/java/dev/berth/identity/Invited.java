package dev.berth.identity;

/** A new invitation and its secret, shown once. */
public record Invited(Invitation invitation, String token) {
    @Override
    public String toString() {
        return "Invited[" + invitation + ", token=***]";
    }
}
