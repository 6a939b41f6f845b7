package dev.berth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A plain WebSocket speaking graphql-transport-ws by hand, so tests can send what a well-behaved library
 * never would and observe close codes.
 */
public final class WsClient implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private WsClient() {}

    public static WsClient connect(URI httpBase) {
        var client = new WsClient();
        var uri = URI.create(httpBase.toString().replaceFirst("^http", "ws") + "/graphql-ws");
        client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("graphql-transport-ws")
                .buildAsync(uri, client)
                .join();
        return client;
    }

    /** Connects and completes the {@code connection_init} / {@code connection_ack} handshake with a bearer token. */
    public static WsClient connectAndInit(URI httpBase, String bearer) {
        var client = connect(httpBase);
        client.send(Map.of("type", "connection_init", "payload", bearer == null ? Map.of() : Map.of("authorization", "Bearer " + bearer)));
        var ack = client.next(Duration.ofSeconds(10));
        if (!"connection_ack".equals(ack.path("type").asText())) throw new AssertionError("expected ack, got " + ack);
        return client;
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void send(Object message) {
        sendText(message instanceof String s ? s : GraphQLHttp.write(message));
    }

    public void sendText(String text) {
        socket.sendText(text, true).join();
    }

    public void subscribe(String id, String query) {
        send(Map.of("id", id, "type", "subscribe", "payload", Map.of("query", query)));
    }

    /** The next message, failing if none arrives in time. */
    public JsonNode next(Duration timeout) {
        try {
            var message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) throw new AssertionError("no message within " + timeout);
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next message, or null if none arrives in time or the connection closed with none left. */
    public JsonNode poll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            var message = messages.poll(Math.max(0, Math.min(left, TimeUnit.MILLISECONDS.toNanos(20))), TimeUnit.NANOSECONDS);
            if (message != null) return message;
            if (left <= 0 || closed.isDone() && messages.isEmpty()) return null;
        }
    }

    /** The close code the server sent, failing if the connection is still open after the timeout. */
    public int awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed within " + timeout, e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                messages.add(JSON.readTree(partial.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    /** Sends a close frame with this code and returns the code of the close frame the server answers with. */
    public int closeWith(int code, Duration timeout) {
        socket.sendClose(code, "client leaves").join();
        return awaitClose(timeout);
    }

    @Override
    public void close() {
        if (!closed.isDone()) socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
    }
}
