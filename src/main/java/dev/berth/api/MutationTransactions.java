package dev.berth.api;

import dev.berth.audit.AuditLog;
import graphql.schema.DataFetcher;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLTypeUtil;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.lang.reflect.RecordComponent;
import java.sql.Connection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Each mutation field runs in its own transaction, which also writes its audit event: the change and its
 * record commit together or not at all. The audit details are the input minus fields marked {@code @sensitive}.
 */
@Singleton
final class MutationTransactions {
    private final TransactionOperations<Connection> transactions;
    private final AuditLog audit;

    MutationTransactions(TransactionOperations<Connection> transactions, AuditLog audit) {
        this.transactions = transactions;
        this.audit = audit;
    }

    DataFetcher<?> wrap(GraphQLFieldDefinition field, DataFetcher<?> fetcher) {
        var sensitive = sensitiveInputFields(field);
        return env -> transactions.executeWrite(status -> {
            Object result;
            try {
                result = fetcher.get(env);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            var viewer = Viewer.from(env);
            var subject = subject(result);
            var teamId = "Team".equals(subject.type()) && subject.id() instanceof UUID id ? id : viewer.teamId();
            var actor = viewer.userId() != null ? viewer.userId() : "User".equals(subject.type()) ? (UUID) subject.id() : null;
            audit.record(viewer, new AuditLog.Entry(field.getName(), teamId, actor, subject.type(),
                    subject.id() == null ? null : subject.id().toString(), redacted(env.getArgument("input"), sensitive)));
            return result;
        });
    }

    private static Set<String> sensitiveInputFields(GraphQLFieldDefinition field) {
        var names = new HashSet<String>();
        var input = field.getArgument("input");
        if (input != null && GraphQLTypeUtil.unwrapAll(input.getType()) instanceof GraphQLInputObjectType type) {
            type.getFieldDefinitions().stream().filter(f -> f.hasAppliedDirective("sensitive")).forEach(f -> names.add(f.getName()));
        }
        return names;
    }

    private static Map<String, Object> redacted(Object input, Set<String> sensitive) {
        var details = new LinkedHashMap<String, Object>();
        if (input instanceof Map<?, ?> map) {
            map.forEach((key, value) -> details.put(String.valueOf(key), sensitive.contains(String.valueOf(key)) ? "***" : value));
        }
        return details;
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
