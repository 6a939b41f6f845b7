package dev.berth.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.execution.Duplex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Caddy's admin API over a stream Berth opens to its Unix socket (an SSH stream-local channel): one HTTP/1.0 request
 * per connection, JSON in and out. Every exchange has a deadline (the connection is closed at it, so a proxy that
 * never answers cannot hold a job) and an answer is read up to {@link #MAX_ANSWER} bytes: a larger one is an error.
 */
final class CaddyAdmin {
    /** What Berth sends as Host and lists in {@code admin.origins}: Caddy checks it even on a Unix socket. */
    static final String ORIGIN = "berth";
    static final int MAX_ANSWER = 4 * 1024 * 1024;

    /** Opens a new stream to the admin socket. */
    interface Opener {
        Duplex open() throws IOException;
    }

    /** The admin API refused a request, or did not answer as HTTP in time. */
    static final class AdminException extends RuntimeException {
        AdminException(String message) {
            super(message, null, false, false);
        }
    }

    private record Answer(int status, byte[] body) {}

    private final Opener opener;
    private final Duration deadline;
    private final ObjectMapper json;

    CaddyAdmin(Opener opener, Duration deadline, ObjectMapper json) {
        this.opener = opener;
        this.deadline = deadline;
        this.json = json;
    }

    /** Replaces the whole configuration ({@code POST /load}); Caddy keeps its listeners, so nothing in flight is dropped. */
    void load(JsonNode config) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(config);
        } catch (IOException e) {
            throw new AdminException("the configuration could not be written");
        }
        var answer = exchange("POST", "/load", body);
        if (answer.status() != 200) throw new AdminException("the proxy refused the configuration (HTTP " + answer.status() + "): " + text(answer));
    }

    /** The configuration Caddy runs now ({@code GET /config/}); a JSON null when it has none. */
    JsonNode config() {
        var answer = exchange("GET", "/config/", null);
        if (answer.status() != 200) throw new AdminException("the proxy did not give its configuration (HTTP " + answer.status() + ")");
        try {
            return json.readTree(answer.body());
        } catch (IOException e) {
            throw new AdminException("the proxy's configuration is not JSON");
        }
    }

    private static String text(Answer answer) {
        // never a key of the configuration in an error, should the proxy quote what it was sent
        var text = new String(answer.body(), StandardCharsets.UTF_8).strip().replaceAll("(?s)-----BEGIN[^-]*-----.*?(-----END[^-]*-----|$)", "[PEM]");
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }

    private Answer exchange(String method, String path, byte[] body) {
        var result = new CompletableFuture<Answer>();
        var connection = new AtomicReference<Duplex>();
        Thread.ofVirtual().name("berth-proxy-admin").start(() -> {
            try (var opened = opener.open()) {
                connection.set(opened);
                if (result.isDone()) return;
                var head = method + " " + path + " HTTP/1.0\r\nHost: " + ORIGIN + "\r\nAccept: application/json\r\n"
                        + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n") + "\r\n";
                var out = opened.out();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                if (body != null) out.write(body);
                out.flush();
                result.complete(read(opened.in()));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AdminException("the proxy's admin API did not answer within " + deadline.toSeconds() + " s");
        } catch (ExecutionException e) {
            var cause = e.getCause();
            if (cause instanceof AdminException admin) throw admin;
            throw new AdminException("the proxy's admin API cannot be reached (" + (cause instanceof IOException ? "no connection" : cause.getClass().getSimpleName()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        } finally {
            result.cancel(false);
            var open = connection.get();
            if (open != null) {
                try {
                    open.close(); // a read still blocked on it ends
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** Reads an HTTP/1.0 answer to its end (the server closes), at most {@link #MAX_ANSWER} bytes. */
    static Answer read(InputStream in) throws IOException {
        var all = new ByteArrayOutputStream();
        var buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (all.size() + n > MAX_ANSWER) throw new AdminException("the proxy's answer is larger than " + MAX_ANSWER + " bytes");
            all.write(buffer, 0, n);
        }
        var bytes = all.toByteArray();
        int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (end < 0) throw new AdminException("the proxy's answer is not HTTP");
        var head = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
        var status = head.lines().findFirst().orElse("").split(" ");
        if (status.length < 2 || !status[0].startsWith("HTTP/") || !status[1].matches("\\d{3}")) throw new AdminException("the proxy's answer is not HTTP");
        // Berth asks in HTTP/1.0: an answer in chunks (or with another transfer coding) is not one Caddy gives it
        if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding:")) throw new AdminException("the proxy's answer is not HTTP/1.0");
        return new Answer(Integer.parseInt(status[1]), java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length));
    }

    private static int indexOf(byte[] bytes, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) if (bytes[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
