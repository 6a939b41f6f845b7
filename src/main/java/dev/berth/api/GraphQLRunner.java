package dev.berth.api;

import dev.berth.errors.ErrorCode;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphQLException;
import graphql.execution.UnknownOperationException;
import graphql.language.Document;
import graphql.language.NodeUtil;
import graphql.language.OperationDefinition.Operation;
import graphql.parser.InvalidSyntaxException;
import graphql.schema.GraphQLSchema;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import dev.berth.storage.TeamTransactions;
import io.micronaut.transaction.exceptions.TransactionException;

/**
 * The one pipeline behind both transports: size check, parse and validate (cached by document text), limits
 * (per request: they depend on the variables), then execute with a fresh DataLoader registry, queries and mutations
 * admitted by their cost ({@link CostGate}). Everything before
 * {@link #execute} is free of side effects.
 */
@Singleton
final class GraphQLRunner {
    private final GraphQL graphQL;
    private final GraphQLSchema schema;
    private final GraphQLProperties properties;
    private final List<DataLoaderContribution> loaders;
    private final MeterRegistry meters;
    private final ValidatedDocuments documents;
    private final TeamTransactions teams;
    private final CostGate gate;

    private final GraphQL planned;

    GraphQLRunner(GraphQL graphQL, GraphQLSchema schema, GraphQLProperties properties,
                  List<DataLoaderContribution> loaders, MeterRegistry meters, TeamTransactions teams,
                  AccessPolicy policy, GraphQLFactory.PlannedQueries planned) {
        this.planned = planned.graphQL();
        this.teams = teams;
        this.graphQL = graphQL;
        this.schema = schema;
        this.properties = properties;
        this.loaders = loaders;
        this.meters = meters;
        this.documents = new ValidatedDocuments(schema, policy);
        this.gate = new CostGate(properties.costInFlight(), CostGate.SMALL);
    }

    /** The outcome of checking a request before execution. */
    sealed interface Prepared permits Ready, Rejected {}

    /**
     * Checked and ready; {@code cost} is what it spends from the caller's rate budget; {@code plan} null but for queries;
     * {@code slow}: an operation with an {@code @ownTransaction} root field (it asks a server, hashes a password): a query
     * runs it without the shared read transaction, and the HTTP route runs it where slow work runs.
     */
    record Ready(OperationRequest request, Document document, Operation operation, long cost,
                 @io.micronaut.core.annotation.Nullable AccessPlan plan, boolean slow) implements Prepared {}

    /** Refused before execution; {@code stage} decides the HTTP status. */
    record Rejected(List<GraphQLError> errors, Stage stage) implements Prepared {}

    enum Stage { PARSE, VALIDATION }

    Prepared prepare(OperationRequest request, String requestId) {
        if (request.query().getBytes(StandardCharsets.UTF_8).length > properties.maxDocumentBytes()) {
            return rejected(ErrorCode.DOCUMENT_TOO_LARGE, "The document exceeds " + properties.maxDocumentBytes() + " bytes.",
                    requestId, Stage.VALIDATION);
        }
        ValidatedDocuments.Checked checked;
        try {
            checked = documents.check(request.query());
        } catch (InvalidSyntaxException e) {
            var error = ErrorMapping.requestError(ErrorCode.GRAPHQL_PARSE_FAILED, "Syntax error: " + e.getMessage(),
                    requestId, e.getLocation() == null ? List.of() : List.of(e.getLocation()));
            return new Rejected(List.of(error), Stage.PARSE);
        } catch (GraphQLException e) {
            return rejected(ErrorCode.GRAPHQL_PARSE_FAILED, e.getMessage(), requestId, Stage.PARSE);
        }
        var document = checked.document();
        graphql.language.OperationDefinition definition;
        try {
            definition = NodeUtil.getOperation(document, request.operationName()).operationDefinition;
        } catch (UnknownOperationException e) {
            return rejected(ErrorCode.OPERATION_NOT_FOUND, e.getMessage(), requestId, Stage.VALIDATION);
        }
        var invalid = checked.errors();
        if (!invalid.isEmpty()) {
            var errors = invalid.stream()
                    .map(v -> ErrorMapping.requestError(ErrorCode.GRAPHQL_VALIDATION_FAILED, v.getMessage(), requestId, v.getLocations()))
                    .toList();
            return new Rejected(errors, Stage.VALIDATION);
        }
        var measures = DocumentAnalysis.measure(schema, document, request.operationName(), request.variables(),
                properties.limits().defaultListSize());
        var violation = DocumentAnalysis.check(measures, properties.limits());
        if (violation.isPresent()) return rejected(violation.get().code(), violation.get().message(), requestId, Stage.VALIDATION);
        var operation = definition.getOperation();
        return new Ready(request, document, operation, Math.max(1, measures.cost()), checked.plan(),
                operation != Operation.SUBSCRIPTION && ownTransaction(rootType(operation), definition.getSelectionSet(),
                        NodeUtil.getFragmentsByName(document), new java.util.HashSet<>()));
    }

    ExecutionResult execute(Ready ready, Viewer viewer, String requestId) {
        return execute(ready, viewer, requestId, null);
    }

    /** As {@link #execute(Ready, Viewer, String)}; a subscription's fetcher may record its events' {@code positions}. */
    ExecutionResult execute(Ready ready, Viewer viewer, String requestId, @Nullable EventPositions positions) {
        var registry = new Loaders();
        loaders.forEach(contribution -> contribution.register(registry, viewer));
        var context = new HashMap<Object, Object>();
        context.put(Viewer.CONTEXT_KEY, viewer);
        context.put(RequestContext.REQUEST_ID, requestId);
        context.put(RequestContext.DOCUMENT, ready.document());
        if (positions != null) {
            context.put(EventPositions.CONTEXT_KEY, positions);
            context.put(graphql.execution.SubscriptionExecutionStrategy.KEEP_SUBSCRIPTION_EVENTS_ORDERED, true);
        }
        var input = ExecutionInput.newExecutionInput()
                .query(ready.request().query())
                .operationName(ready.request().operationName())
                .variables(ready.request().variables())
                .extensions(ready.request().extensions())
                .graphQLContext(context)
                .dataLoaderRegistry(registry)
                .build();
        var sample = Timer.start(meters);
        var result = switch (ready.operation()) {
            case QUERY -> {
                var runOn = ready.plan() != null && ready.plan().admits(viewer) ? planned : graphQL;
                yield gate.through(ready.cost(), () -> ready.slow() ? runOn.execute(input) : inOneTransaction(viewer, input, runOn));
            }
            case MUTATION -> gate.through(ready.cost(), () -> graphQL.execute(input));
            // a subscription's execution only sets up its stream; its events are not held back
            default -> graphQL.execute(input);
        };
        sample.stop(timer(ready.operation(), result.getErrors().isEmpty()));
        return result;
    }

    /** {@code berth.graphql.requests} by operation, for each outcome, each looked up once (a lookup by tags per request was 1 % of a mutation's CPU). */
    private final Map<Operation, Timer> okTimers = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Operation, Timer> errorTimers = new java.util.concurrent.ConcurrentHashMap<>();

    private Timer timer(Operation operation, boolean ok) {
        return (ok ? okTimers : errorTimers).computeIfAbsent(operation, op -> meters.timer("berth.graphql.requests",
                "operation", op.name().toLowerCase(Locale.ROOT), "outcome", ok ? "ok" : "error"));
    }

    /**
     * A query runs in one read-only transaction in the viewer's team, which every service call of the request joins:
     * one connection, one {@code set_config}, one commit per request instead of one per resolver. (Mutations run
     * each field in a transaction of its own, see {@link MutationTransactions}; subscriptions hold no transaction.)
     */
    private ExecutionResult inOneTransaction(Viewer viewer, ExecutionInput input, GraphQL graphQL) {
        var result = new AtomicReference<ExecutionResult>();
        try {
            teams.read(viewer, () -> {
                result.set(graphQL.execute(input));
                return null;
            });
        } catch (TransactionException e) {
            // a field that failed marked the read-only transaction for rollback: nothing was written, the result stands
            if (result.get() == null) throw e;
        }
        return result.get();
    }

    private graphql.schema.GraphQLObjectType rootType(Operation operation) {
        return operation == Operation.MUTATION ? schema.getMutationType() : schema.getQueryType();
    }

    /**
     * Whether a root field of the operation that runs (fragments expanded) is {@code @ownTransaction}: it asks a server
     * (planDeployment, startApplication) or hashes a password (login), so no connection is held for a whole query while
     * the server answers, and no worker of the fast pool waits for it.
     */
    private boolean ownTransaction(graphql.schema.GraphQLObjectType root, graphql.language.SelectionSet selections, java.util.Map<String, graphql.language.FragmentDefinition> fragments,
                                java.util.Set<String> seen) {
        for (var selection : selections.getSelections()) {
            switch (selection) {
                case graphql.language.Field field -> {
                    var definition = root.getFieldDefinition(field.getName());
                    if (definition != null && definition.hasAppliedDirective("ownTransaction")) return true;
                }
                case graphql.language.InlineFragment inline -> {
                    if (ownTransaction(root, inline.getSelectionSet(), fragments, seen)) return true;
                }
                case graphql.language.FragmentSpread spread -> {
                    var fragment = fragments.get(spread.getName());
                    if (fragment != null && seen.add(spread.getName()) && ownTransaction(root, fragment.getSelectionSet(), fragments, seen)) return true;
                }
                default -> { }
            }
        }
        return false;
    }

    /** Counts a request refused before execution, so rejected traffic shows in metrics too. */
    void countRejected(String reason) {
        meters.counter("berth.graphql.rejected", "reason", reason).increment();
    }

    private static Rejected rejected(ErrorCode code, String message, String requestId, Stage stage) {
        return new Rejected(List.of(ErrorMapping.requestError(code, message, requestId, List.of())), stage);
    }
}
