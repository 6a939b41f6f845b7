package dev.berth.identity;

import java.time.Instant;

/** The result of signing up, logging in or refreshing: a short-lived access token and a one-use refresh token. */
public record SignedIn(String accessToken, Instant accessTokenExpiresAt, String refreshToken, User user) {
    @Override
    public String toString() {
        return "SignedIn[user=" + user.id() + ", tokens=***]";
    }
}
