package dev.berth.api;

import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLInputType;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLTypeUtil;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an audit row keeps of a mutation's input: every field marked {@code @sensitive} becomes {@code ***} at
 * any depth (inside nested inputs and lists too), and the copy is bounded, so no input can bloat the log:
 * strings are cut at {@link #MAX_STRING} characters, lists at {@link #MAX_ITEMS} items, and the whole at
 * about {@link #BUDGET} characters, after which values read {@code …}.
 */
final class AuditDetails {
    static final int MAX_STRING = 512;
    static final int MAX_ITEMS = 20;
    static final int BUDGET = 8_192;
    static final String REDACTED = "***";
    static final String CUT = "…";

    private int left = BUDGET;

    private AuditDetails() {}

    /** The redacted, bounded copy of {@code input}, read through its GraphQL input type. */
    static Map<String, Object> of(Object input, GraphQLInputType type) {
        var copy = new AuditDetails().value(input, type);
        return copy instanceof Map<?, ?> map ? castMap(map) : new LinkedHashMap<>();
    }

    private Object value(Object value, GraphQLInputType type) {
        if (left <= 0) return CUT;
        var unwrapped = GraphQLTypeUtil.unwrapNonNull(type);
        return switch (value) {
            case null -> null;
            case Map<?, ?> map when unwrapped instanceof GraphQLInputObjectType object -> object(map, object);
            case List<?> list -> list(list, unwrapped instanceof GraphQLList l ? (GraphQLInputType) l.getWrappedType() : (GraphQLInputType) unwrapped);
            case Map<?, ?> json -> object(json, null);
            case String s -> string(s);
            default -> {
                left -= 8;
                yield value;
            }
        };
    }

    private Map<String, Object> object(Map<?, ?> map, GraphQLInputObjectType type) {
        var copy = new LinkedHashMap<String, Object>();
        for (var entry : map.entrySet()) {
            var key = String.valueOf(entry.getKey());
            left -= key.length();
            if (left <= 0) {
                copy.put(CUT, CUT);
                break;
            }
            var field = type == null ? null : type.getField(key);
            if (field != null && field.hasAppliedDirective("sensitive")) {
                copy.put(key, REDACTED);
            } else {
                copy.put(key, value(entry.getValue(), field == null ? jsonType() : field.getType()));
            }
        }
        return copy;
    }

    private List<Object> list(List<?> list, GraphQLInputType itemType) {
        var copy = new ArrayList<Object>();
        for (var item : list) {
            if (copy.size() == MAX_ITEMS || left <= 0) {
                copy.add(CUT);
                break;
            }
            copy.add(value(item, itemType));
        }
        return copy;
    }

    private String string(String s) {
        var kept = s.length() > MAX_STRING ? s.substring(0, MAX_STRING) + CUT : s;
        left -= kept.length();
        return kept;
    }

    /** JSON scalars and unknown keys: no type below, walked as plain values. */
    private static GraphQLInputType jsonType() {
        return graphql.Scalars.GraphQLString;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
