package dev.berth.api;

import dev.berth.errors.BerthException;
import dev.berth.errors.ErrorCode;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLFieldDefinition;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.lang.reflect.RecordComponent;
import java.sql.Connection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;

/**
 * Each mutation field runs in its own transaction, which also writes its audit event: the change and its
 * record commit together or not at all. Input and access are checked before the transaction opens. The audit
 * details are the input with every {@code @sensitive} field redacted at any depth ({@link AuditDetails}).
 * A refused attempt (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND) is recorded apart, in a transaction of its own.
 * A mutation marked {@code @ownTransaction} (slow work: hashing, Dragonfly, SSH) runs outside, opening its own
 * short transactions; its audit event follows in a transaction of its own once it returns.
 */
@Singleton
final class MutationTransactions {
    private static final Set<ErrorCode> AUDITED_REFUSALS = EnumSet.of(ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND);

    private final TransactionOperations<Connection> transactions;
    private final AuditSink audit;

    MutationTransactions(TransactionOperations<Connection> transactions, AuditSink audit) {
        this.transactions = transactions;
        this.audit = audit;
    }

    DataFetcher<?> wrap(GraphQLFieldDefinition field, Access access, DataFetcher<?> fetcher) {
        var input = field.getArgument("input");
        boolean ownTransaction = field.hasAppliedDirective("ownTransaction");
        return env -> {
            EventHandOff.requireWorkerThread();
            var viewer = Viewer.from(env);
            InputGuard.check(env.getArguments());
            try {
                AccessPolicy.checkMutation(access, viewer);
                if (ownTransaction) {
                    // the fetcher runs its slow work outside, and its short transactions itself; the audit follows
                    var result = run(fetcher, env);
                    transactions.executeWrite(status -> record(field, input, env, viewer, result));
                    return result;
                }
                return transactions.executeWrite(status -> {
                    var result = run(fetcher, env);
                    record(field, input, env, viewer, result);
                    return result;
                });
            } catch (RuntimeException e) {
                if (unwrap(e) instanceof BerthException refused && AUDITED_REFUSALS.contains(refused.code())) {
                    audit.refused(viewer, field.getName(), refused.code(), viewer.teamId());
                }
                throw e;
            }
        };
    }

    private static Object run(DataFetcher<?> fetcher, graphql.schema.DataFetchingEnvironment env) {
        try {
            return fetcher.get(env);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Void record(GraphQLFieldDefinition field, graphql.schema.GraphQLArgument input, graphql.schema.DataFetchingEnvironment env,
                          Viewer viewer, Object result) {
        var subject = subject(result);
        var teamId = "Team".equals(subject.type()) && subject.id() instanceof UUID id ? id : viewer.teamId();
        var actor = viewer.userId() != null ? viewer.userId() : "User".equals(subject.type()) ? (UUID) subject.id() : null;
        var details = input == null ? Map.<String, Object>of() : AuditDetails.of(env.getArgument("input"), input.getType());
        audit.record(viewer, new AuditSink.Entry(field.getName(), teamId, actor, subject.type(),
                subject.id() == null ? null : subject.id().toString(), details));
        return null;
    }

    private static Throwable unwrap(Throwable e) {
        var current = e;
        while (current instanceof CompletionException && current.getCause() != null) current = current.getCause();
        return current;
    }

    /** The resource a payload is about: the first record with an {@code id}, or the first id value. */
    record Subject(String type, Object id) {}

    static Subject subject(Object payload) {
        if (payload instanceof Record record) {
            var id = component(record, "id");
            if (id != null) return new Subject(record.getClass().getSimpleName(), id);
            for (var component : record.getClass().getRecordComponents()) {
                var nested = subject(value(record, component));
                if (nested.id() != null) return nested;
            }
        }
        if (payload instanceof Map<?, ?> map) {
            for (var value : map.values()) {
                var nested = subject(value);
                if (nested.id() != null) return nested;
            }
            for (var entry : map.entrySet()) {
                if (entry.getValue() instanceof UUID id) return new Subject(typeFromKey(String.valueOf(entry.getKey())), id);
            }
        }
        return new Subject(null, null);
    }

    private static String typeFromKey(String key) {
        var base = key.replaceFirst("^(deleted|removed)", "").replaceFirst("Id$", "");
        return base.isEmpty() ? key : Character.toUpperCase(base.charAt(0)) + base.substring(1);
    }

    private static Object component(Record record, String name) {
        for (var component : record.getClass().getRecordComponents()) {
            if (component.getName().equals(name)) return value(record, component);
        }
        return null;
    }

    private static Object value(Record record, RecordComponent component) {
        try {
            component.getAccessor().setAccessible(true);
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
