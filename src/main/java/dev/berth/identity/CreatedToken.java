package dev.berth.identity;

/** A new personal access token and its secret, shown once. */
public record CreatedToken(ApiToken apiToken, String token) {
    @Override
    public String toString() {
        return "CreatedToken[" + apiToken + ", token=***]";
    }
}
