package dev.berth.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.errors.BerthException;
import dev.berth.errors.ErrorCode;
import dev.berth.errors.RateLimitedException;
import dev.berth.events.Backlog;
import dev.berth.events.SubscriberTooSlowException;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.execution.ResultPath;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import jakarta.inject.Named;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The graphql-transport-ws protocol at {@code /graphql-ws}. Credentials travel in the {@code connection_init}
 * payload ({@code {"authorization": "Bearer ..."}}), never in the URL. Sends wait for the socket ({@link WsOutbox}), so a
 * slow reader backs up into the bounded event buffer and is then disconnected with 1013 instead of growing memory.
 */
@ServerWebSocket(value = "/graphql-ws", subprotocols = "graphql-transport-ws")
@jakarta.inject.Singleton // one endpoint for every socket: its registry of connections is what shutdown and revalidation walk
final class GraphQLWsEndpoint {
    private final GraphQLRunner runner;
    private final ViewerResolver viewers;
    private final CredentialThrottle credentials;
    private final ObjectMapper json;
    private final ResultWriter results;
    private final WsProperties properties;
    private final graphql.schema.GraphQLSchema schema;
    private final ExecutorService blocking;
    private final TaskScheduler scheduler;
    private final CostBudget budget;
    private final Map<String, WsConnection> connections = new ConcurrentHashMap<>();
    private final SubscriptionGroups groups = new SubscriptionGroups();
    /** Subscription events executed and serialised: once per group of like subscriptions, not per subscriber. */
    private final Counter executions;

    GraphQLWsEndpoint(GraphQLRunner runner, ViewerResolver viewers, CredentialThrottle credentials, ObjectMapper json, WsProperties properties,
                      @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
                      @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler, CostBudget budget, MeterRegistry meters,
                      graphql.schema.GraphQLSchema schema, WsGoingAway goingAway) {
        this.schema = schema;
        this.executions = meters.counter("berth.ws.event.executions");
        this.budget = budget;
        this.credentials = credentials;
        this.runner = runner;
        this.viewers = viewers;
        this.json = json;
        this.results = new ResultWriter(json);
        this.properties = properties;
        this.blocking = blocking;
        this.scheduler = scheduler;
        scheduler.scheduleAtFixedRate(properties.revalidateEvery(), properties.revalidateEvery(), this::revalidate);
        goingAway.watch(this); // its sockets get 1001 when the node stops
    }

    /**
     * Says goodbye to every socket with 1001 (going away) instead of dropping it, and waits (at most 3 s) until
     * the close frames are out, so clients reconnect at once, to another node or to this one once it is back.
     * Called by {@link WsGoingAway} when the application shuts down, before Netty stops.
     */
    void goingAway() {
        var open = List.copyOf(connections.values());
        open.forEach(connection -> connection.close(WsConnection.GOING_AWAY));
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
        while (open.stream().anyMatch(c -> c.session.isOpen()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Ends the operations of connections whose credentials no longer hold (token revoked, session ended,
     * member removed or role changed): each gets an UNAUTHENTICATED error, then the socket closes with 4403.
     */
    void revalidate() {
        // one check per credential (token or session, in its team and role), however many sockets share it
        var verdicts = new java.util.HashMap<Viewer, Boolean>();
        for (var connection : connections.values()) {
            var viewer = connection.viewer();
            if (viewer == null || !viewer.authenticated() || connection.operations.isEmpty()) continue;
            Boolean valid;
            try {
                valid = verdicts.computeIfAbsent(credentialOf(viewer), viewers::stillValid);
            } catch (RuntimeException e) {
                continue; // the database is unreachable: keep streams until it answers again
            }
            if (valid) continue;
            var requestId = RequestContext.newRequestId();
            var error = ErrorMapping.requestError(ErrorCode.UNAUTHENTICATED, "Your credentials were revoked or your membership changed.",
                    requestId, List.of());
            for (var id : List.copyOf(connection.operations.keySet())) {
                var operation = connection.operations.remove(id);
                if (operation != null) operation.dispose();
                sendError(connection, id, List.of(error), requestId);
            }
            connection.close(WsConnection.FORBIDDEN);
        }
    }

    /**
     * Whether the socket's viewer still holds, checked again only when credentials changed since it last did (the
     * periodic {@link #revalidate} sees only sockets with operations running; this sees every operation's start).
     */
    private boolean stillHolds(WsConnection connection, Viewer viewer) {
        long now = viewers.credentialsGeneration();
        if (!viewer.authenticated() || now == connection.checkedAt()) return true;
        boolean valid;
        try {
            valid = viewers.stillValid(credentialOf(viewer));
        } catch (RuntimeException e) {
            return true; // the database is unreachable: the operation meets it, and the next start checks again
        }
        if (valid) connection.checked(now);
        return valid;
    }

    /** What stillValid looks at: the credential, the team and the role, not the socket's address or agent. */
    private static Viewer credentialOf(Viewer viewer) {
        return new Viewer(viewer.userId(), viewer.teamId(), viewer.role(), viewer.scopes(), viewer.tokenId(), viewer.sessionId(),
                viewer.projectIds(), viewer.instanceAdmin(), Viewer.Client.UNKNOWN);
    }

    @OnOpen
    void open(WebSocketSession session, HttpRequest<?> request) {
        var connection = new WsConnection(session, GraphQLController.client(request));
        connections.put(session.getId(), connection);
        scheduler.schedule(properties.initTimeout(), () -> {
            if (!connection.initReceived()) connection.close(WsConnection.INIT_TIMEOUT);
        });
    }

    /** Largest message accepted before {@code connection_ack}: room for a token and a team, nothing more. */
    static final int MAX_MESSAGE_BEFORE_ACK = 4096;

    @OnMessage(maxPayloadLength = WsMessageLimit.MAX_FRAME_BYTES)
    void message(String text, WebSocketSession session) {
        var connection = connections.get(session.getId());
        if (connection == null) return;
        if (connection.viewer() == null && text.length() > MAX_MESSAGE_BEFORE_ACK) {
            connection.close(new CloseReason(4400, "Message too large before connection_ack"));
            return;
        }
        Map<?, ?> message;
        try {
            message = json.readValue(text, Map.class);
        } catch (JsonProcessingException | UncheckedIOException e) {
            connection.close(WsConnection.BAD_MESSAGE);
            return;
        }
        if (!(message.get("type") instanceof String type)) {
            connection.close(WsConnection.BAD_MESSAGE);
            return;
        }
        switch (type) {
            case "connection_init" -> init(connection, message.get("payload"));
            case "ping" -> connection.send(write(Map.of("type", "pong")));
            case "pong" -> { }
            case "subscribe" -> subscribe(connection, message);
            case "complete" -> complete(connection, message);
            default -> connection.close(new CloseReason(4400, "Unknown message type"));
        }
    }

    @OnClose
    void close(WebSocketSession session) {
        var connection = connections.remove(session.getId());
        if (connection != null) connection.cancelAll();
    }

    private void init(WsConnection connection, Object payload) {
        if (!connection.markInitReceived()) {
            connection.close(WsConnection.TOO_MANY_INIT);
            return;
        }
        if (payload != null && !(payload instanceof Map<?, ?>)) {
            connection.close(WsConnection.BAD_MESSAGE);
            return;
        }
        var authorization = payload instanceof Map<?, ?> map && map.get("authorization") instanceof String s ? s : null;
        var team = payload instanceof Map<?, ?> map && map.get("team") instanceof String s ? s : null;
        blocking.execute(() -> {
            try {
                long generation = viewers.credentialsGeneration(); // before: a change while resolving is seen later
                connection.acknowledge(credentials.resolve(authorization, team, connection.client), generation);
                connection.send(write(Map.of("type", "connection_ack")));
            } catch (RateLimitedException e) {
                connection.close(WsConnection.TOO_MANY_REFUSED);
            } catch (BerthException e) {
                connection.close(WsConnection.FORBIDDEN);
            }
        });
    }

    private void subscribe(WsConnection connection, Map<?, ?> message) {
        var viewer = connection.viewer();
        if (viewer == null) {
            connection.close(WsConnection.UNAUTHORIZED);
            return;
        }
        if (!(message.get("id") instanceof String id) || id.isEmpty()) {
            connection.close(new CloseReason(4400, "Subscribe needs an id"));
            return;
        }
        OperationRequest request;
        try {
            request = OperationRequest.from(message.get("payload"));
        } catch (RequestRejectedException e) {
            connection.close(new CloseReason(4400, "Invalid subscribe payload"));
            return;
        }
        var slot = Disposables.swap();
        if (connection.operations.putIfAbsent(id, slot) != null) {
            connection.close(new CloseReason(4409, "Subscriber for " + id + " already exists"));
            return;
        }
        if (connection.operations.size() > properties.maxOperationsPerConnection()) {
            connection.operations.remove(id);
            var requestId = RequestContext.newRequestId();
            sendError(connection, id, List.of(ErrorMapping.requestError(ErrorCode.RATE_LIMITED,
                    "Too many operations on one connection.", requestId, List.of())), requestId);
            return;
        }
        blocking.execute(() -> start(connection, viewer, id, request, slot));
    }

    private void start(WsConnection connection, Viewer viewer, String id, OperationRequest request, Disposable.Swap slot) {
        var requestId = RequestContext.newRequestId();
        if (!stillHolds(connection, viewer)) {
            // an earlier operation (or anyone) revoked the socket's credentials: none runs with them again
            connection.operations.remove(id, slot);
            sendError(connection, id, List.of(ErrorMapping.requestError(ErrorCode.UNAUTHENTICATED,
                    "Your credentials were revoked or your membership changed.", requestId, List.of())), requestId);
            connection.close(WsConnection.FORBIDDEN);
            return;
        }
        switch (runner.prepare(request, requestId)) {
            case GraphQLRunner.Rejected rejected -> {
                connection.operations.remove(id, slot);
                sendError(connection, id, rejected.errors(), requestId);
            }
            case GraphQLRunner.Ready ready -> {
                try {
                    budget.spend(viewer, ready.cost());
                } catch (RateLimitedException e) {
                    connection.operations.remove(id, slot);
                    sendError(connection, id, List.of(ErrorMapping.toError(e, requestId, ResultPath.rootPath(), List.of())), requestId);
                    return;
                }
                // events' positions only where members replay their own start (elsewhere events keep graphql-java's
                // default, unordered mapping)
                boolean replays = ready.operation() == graphql.language.OperationDefinition.Operation.SUBSCRIPTION && replays(ready);
                var positions = replays ? new EventPositions() : null;
                ExecutionResult result = runner.execute(ready, viewer, requestId, positions);
                if (ready.operation() == graphql.language.OperationDefinition.Operation.SUBSCRIPTION
                        && !(result.getData() instanceof Publisher<?>)) {
                    // refused before a stream existed (e.g. by the access policy): a protocol error, not a result
                    connection.operations.remove(id, slot);
                    sendError(connection, id, result.getErrors(), requestId);
                    return;
                }
                Flux<byte[]> payloads;
                if (result.getData() instanceof Publisher<?> stream && result.getErrors().isEmpty()) {
                    var events = Flux.from(stream).cast(ExecutionResult.class);
                    java.util.function.Function<ExecutionResult, byte[]> executed = next -> {
                        executions.increment();
                        return results.bytes(ErrorMapping.specification(next, requestId));
                    };
                    var key = new SubscriptionGroups.Key(ready.request().query(), ready.request().operationName(),
                            ready.request().variables(), credentialOf(viewer));
                    if (replays && positions.tracked()) {
                        // a start of its own, then the group's frames from where they meet
                        payloads = groups.joinReplaying(key, () -> events.map(next -> new SubscriptionGroups.Frame(positions.next(), executed.apply(next))),
                                properties.subscriberBuffer(), properties.subscriberBufferBytes(), () -> new SubscriberTooSlowException("operation " + id));
                    } else if (replays) {
                        // a start of its own (stored lines, a current state) without positions: never another's stream
                        payloads = events.map(executed);
                    } else {
                        payloads = groups.join(key, () -> events.map(executed));
                    }
                } else {
                    payloads = Flux.just(results.bytes(ErrorMapping.specification(result, requestId)));
                }
                var prefix = ("{\"id\":" + write(id) + ",\"type\":\"next\",\"payload\":").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                // a member that cannot keep up is cut off (1013) at once rather than holding the group's frames
                var subscription = connection.outbox.nexts(
                        Backlog.bounded(payloads, properties.subscriberBuffer(), properties.subscriberBufferBytes(), payload -> payload.length,
                                        () -> new SubscriberTooSlowException("operation " + id))
                                // subscribed (its start read) off the socket's thread; the outbox's requests stay
                                // where they are made (its event loop), not a hop each: they reach only the backlog,
                                // which asked its source for everything when subscribed (BacklogTest pins it)
                                .subscribeOn(Schedulers.boundedElastic(), false),
                        prefix,
                        // off the socket's event loop: ending an operation may close what feeds it (a log stream)
                        error -> blocking.execute(() -> failed(connection, id, slot, error, requestId)),
                        () -> blocking.execute(() -> {
                            if (connection.operations.remove(id, slot)) {
                                connection.send(write(Map.of("id", id, "type", "complete")));
                            }
                        }));
                if (!slot.update(subscription)) subscription.dispose();
            }
        }
    }

    /**
     * Whether the subscription starts with a part of each subscriber's own ({@code @replays} on a root field of the
     * schema): such a subscription is grouped only by its events' positions ({@link SubscriptionGroups#joinReplaying}),
     * or a member joining late would miss its start. Root fragments count as replaying, to be safe.
     */
    private boolean replays(GraphQLRunner.Ready ready) {
        var name = ready.request().operationName();
        var operation = ready.document().getDefinitionsOfType(graphql.language.OperationDefinition.class).stream()
                .filter(o -> o.getOperation() == graphql.language.OperationDefinition.Operation.SUBSCRIPTION)
                .filter(o -> name == null || name.equals(o.getName()))
                .findFirst();
        if (operation.isEmpty()) return true;
        for (var selection : operation.get().getSelectionSet().getSelections()) {
            if (!(selection instanceof graphql.language.Field field)) return true;
            var definition = schema.getSubscriptionType().getFieldDefinition(field.getName());
            if (definition == null || definition.hasAppliedDirective("replays")) return true;
        }
        return false;
    }

    private void complete(WsConnection connection, Map<?, ?> message) {
        if (!(message.get("id") instanceof String id)) {
            connection.close(new CloseReason(4400, "Complete needs an id"));
            return;
        }
        var operation = connection.operations.remove(id);
        if (operation != null) operation.dispose();
    }

    private void failed(WsConnection connection, String id, Disposable.Swap slot, Throwable error, String requestId) {
        if (!connection.operations.remove(id, slot)) return;
        if (causedBy(error, SubscriberTooSlowException.class)) {
            connection.close(WsConnection.TOO_SLOW);
            return;
        }
        if (causedBy(error, dev.berth.events.EventsUnavailableException.class)) {
            connection.close(WsConnection.EVENTS_UNAVAILABLE);
            return;
        }
        sendError(connection, id, List.of(ErrorMapping.toError(error, requestId, ResultPath.rootPath(), List.of())), requestId);
    }

    private void sendError(WsConnection connection, String id, List<GraphQLError> errors, String requestId) {
        var payload = errors.stream().map(e -> ErrorMapping.specification(e, requestId)).toList();
        var message = new LinkedHashMap<String, Object>();
        message.put("id", id);
        message.put("type", "error");
        message.put("payload", payload);
        connection.send(write(message));
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (var t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    private String write(Object message) {
        return results.text(message);
    }
}
