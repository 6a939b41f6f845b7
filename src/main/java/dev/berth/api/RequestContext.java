package dev.berth.api;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Keys of the per-execution GraphQL context, and request id generation. */
final class RequestContext {
    static final String REQUEST_ID = "berth.requestId";
    static final String DOCUMENT = "berth.document";
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestContext() {}

    /** A new opaque id quoted in every error and log line of one request. Never taken from the client. */
    static String newRequestId() {
        var bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
