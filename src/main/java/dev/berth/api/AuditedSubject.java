package dev.berth.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

import graphql.schema.GraphQLFieldDefinition;
import io.micronaut.core.annotation.Nullable;
import java.lang.reflect.RecordComponent;
import java.util.Map;

/**
 * What a mutation's audit event is about, as the mutation declares it in the schema:
 * {@code @audited(resource: "Project", id: "project.id")}. The id path walks the payload (maps and records), or
 * the input when it starts with {@code input.}. A mutation without the directive stops start-up.
 */
record AuditedSubject(String resource, @Nullable String idPath) {

    static AuditedSubject of(GraphQLFieldDefinition mutation) {
        var directive = mutation.getAppliedDirective("audited");
        if (directive == null) throw new IllegalStateException("Mutation." + mutation.getName() + " declares no @audited subject");
        String resource = directive.getArgument("resource").getValue();
        var id = directive.getArgument("id");
        return new AuditedSubject(resource, id == null ? null : id.getValue());
    }

    /** The subject's id as text, or null when the mutation declares none or the path leads nowhere. */
    @Nullable String idOf(@Nullable Object input, @Nullable Object payload) {
        if (idPath == null) return null;
        var segments = idPath.split("\\.");
        Object current = segments[0].equals("input") ? input : payload;
        for (int i = segments[0].equals("input") ? 1 : 0; i < segments.length && current != null; i++) {
            current = step(current, segments[i]);
        }
        return current == null ? null : current.toString();
    }

    private static Object step(Object value, String name) {
        if (value instanceof Map<?, ?> map) return map.get(name);
        if (value instanceof Record record) {
            var accessor = ACCESSORS.get(record.getClass()).get(name);
            if (accessor == null) return null;
            try {
                return accessor.invoke(record);
            } catch (Throwable e) {
                return null;
            }
        }
        return null;
    }

    /** Each record class's component accessors by name, looked up once (reflection per mutation cost 8 % of a write). */
    private static final ClassValue<Map<String, MethodHandle>> ACCESSORS = new ClassValue<>() {
        @Override
        protected Map<String, MethodHandle> computeValue(Class<?> type) {
            var accessors = new java.util.HashMap<String, MethodHandle>();
            for (RecordComponent component : type.getRecordComponents()) {
                try {
                    var method = component.getAccessor();
                    method.setAccessible(true);
                    accessors.put(component.getName(), MethodHandles.lookup().unreflect(method));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // not readable: the path leads nowhere, as before
                }
            }
            return Map.copyOf(accessors);
        }
    };
}
