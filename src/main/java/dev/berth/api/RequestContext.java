package dev.berth.api;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Keys of the per-execution GraphQL context, and request id generation. */
final class RequestContext {
    static final String REQUEST_ID = "berth.requestId";
    static final String DOCUMENT = "berth.document";

    private RequestContext() {}

    /**
     * A new opaque id quoted in every error and log line of one request. Never taken from the client. It names, it
     * does not protect: a thread-local generator (a SecureRandom serialised every request on one lock).
     */
    static String newRequestId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
