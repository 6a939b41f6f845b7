package dev.berth.api;

import dev.berth.errors.InvalidInputException;
import graphql.schema.DataFetchingEnvironment;
import java.util.Map;
import java.util.UUID;

/** Reads GraphQL arguments into Java values, failing with BAD_USER_INPUT and the argument's path. */
public final class Arguments {
    private Arguments() {}

    /** The {@code input} argument of a mutation. */
    public static Map<String, Object> input(DataFetchingEnvironment env) {
        return env.getArgument("input");
    }

    /** The UUID in {@code text}, or null when it is none. */
    static UUID uuidOrNull(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** An {@code ID} argument; ids are UUIDs underneath, and anything else is not an id of ours. */
    public static UUID id(String field, Object value) {
        if (value instanceof String s) {
            try {
                return UUID.fromString(s);
            } catch (IllegalArgumentException e) {
                // falls through to the error below
            }
        }
        throw new InvalidInputException(field, "not a valid id");
    }

    /**
     * An {@code Int} argument, {@code absent} when not given or given as null (as {@link PageArgs} reads {@code first}):
     * an explicit null must not reach an {@code int} (it did: a NullPointerException, answered INTERNAL).
     */
    public static int intOr(DataFetchingEnvironment env, String name, int absent) {
        Integer given = env.getArgument(name);
        return given == null ? absent : given;
    }
}
