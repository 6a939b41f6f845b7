package dev.berth.testing;

import graphql.Scalars;
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLInputType;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds calls of any root field straight from the schema, so a test over "every String input" or "every list
 * input" covers fields added later without being edited. Values are the smallest that coerce (a UUID for an
 * ID, the first enum value, ...); one chosen place (a {@link Site}) holds the value under test.
 */
public final class SchemaInputs {
    /** Replaced in the serialised JSON by an escape sequence no Java string literal survives HTTP as. */
    public static final String BAD = "@@BAD@@";
    private static final int MAX_DEPTH = 6;

    /** A place in a field's arguments, as the server names it (e.g. {@code input.scopes}, {@code input.metadata.k}). */
    public record Site(String path, Kind kind) {}

    public enum Kind { STRING, JSON, LIST }

    private SchemaInputs() {}

    /** Every String, ID and JSON leaf and every list reachable through the field's arguments. */
    public static List<Site> sites(GraphQLFieldDefinition field) {
        var sites = new ArrayList<Site>();
        for (var argument : field.getArguments()) collect(argument.getName(), argument.getType(), sites, 0);
        return sites;
    }

    private static void collect(String path, GraphQLInputType type, List<Site> sites, int depth) {
        if (depth > MAX_DEPTH) return;
        var unwrapped = GraphQLTypeUtil.unwrapNonNull(type);
        switch (unwrapped) {
            case GraphQLList list -> {
                sites.add(new Site(path, Kind.LIST));
                collect(path + "[0]", (GraphQLInputType) list.getWrappedType(), sites, depth + 1);
            }
            case GraphQLInputObjectType object -> object.getFieldDefinitions()
                    .forEach(f -> collect(path + "." + f.getName(), f.getType(), sites, depth + 1));
            case GraphQLScalarType scalar when scalar.getName().equals("JSON") -> sites.add(new Site(path + ".k", Kind.JSON));
            case GraphQLScalarType scalar when scalar.getName().equals("String") || scalar.getName().equals("ID") ->
                    sites.add(new Site(path, Kind.STRING));
            default -> { }
        }
    }

    /** The operation text for {@code field} of {@code root}, every argument passed as a variable of the same name. */
    public static String document(String operation, GraphQLFieldDefinition field) {
        var declarations = new ArrayList<String>();
        var arguments = new ArrayList<String>();
        for (GraphQLArgument argument : field.getArguments()) {
            declarations.add("$" + argument.getName() + ": " + GraphQLTypeUtil.simplePrint(argument.getType()));
            arguments.add(argument.getName() + ": $" + argument.getName());
        }
        var selection = GraphQLTypeUtil.unwrapAll(field.getType()) instanceof GraphQLObjectType ? " { __typename }" : "";
        return operation + (declarations.isEmpty() ? "" : "(" + String.join(", ", declarations) + ")") + " { " + field.getName()
                + (arguments.isEmpty() ? "" : "(" + String.join(", ", arguments) + ")") + selection + " }";
    }

    /** Variables with the smallest valid values, and at {@code target} (null for none) the value under test. */
    public static Map<String, Object> variables(GraphQLFieldDefinition field, Site target) {
        var variables = new LinkedHashMap<String, Object>();
        for (var argument : field.getArguments()) {
            if (argument.getType() instanceof GraphQLNonNull || onPath(argument.getName(), target)) {
                variables.put(argument.getName(), value(argument.getName(), argument.getType(), target, 0));
            }
        }
        return variables;
    }

    private static boolean onPath(String path, Site target) {
        return target != null && (target.path().equals(path) || target.path().startsWith(path + ".") || target.path().startsWith(path + "["));
    }

    private static Object value(String path, GraphQLType type, Site target, int depth) {
        var unwrapped = GraphQLTypeUtil.unwrapNonNull(type);
        boolean here = target != null && target.path().equals(path);
        return switch (unwrapped) {
            case GraphQLList list -> {
                var items = new ArrayList<Object>();
                int count = here && target.kind() == Kind.LIST ? 101 : 1;
                for (int i = 0; i < count; i++) items.add(value(path + "[" + Math.min(i, 1) + "]", list.getWrappedType(), target, depth + 1));
                yield items;
            }
            case GraphQLInputObjectType object -> {
                var map = new LinkedHashMap<String, Object>();
                for (var f : object.getFieldDefinitions()) {
                    var fieldPath = path + "." + f.getName();
                    if ((f.getType() instanceof GraphQLNonNull && depth < MAX_DEPTH) || onPath(fieldPath, target)) {
                        map.put(f.getName(), value(fieldPath, f.getType(), target, depth + 1));
                    }
                }
                yield map;
            }
            case GraphQLEnumType e -> e.getValues().getFirst().getName();
            case GraphQLScalarType s when s.getName().equals("JSON") ->
                    target != null && target.path().equals(path + ".k") ? Map.of("k", "x" + BAD) : Map.of();
            case GraphQLScalarType s when s.getName().equals(Scalars.GraphQLID.getName()) -> here ? UUID.randomUUID() + BAD : UUID.randomUUID().toString();
            case GraphQLScalarType s when s.getName().equals("String") -> here ? "x" + BAD : "x";
            case GraphQLScalarType s when s.getName().equals("Int") -> 1;
            case GraphQLScalarType s when s.getName().equals("Float") -> 1.0;
            case GraphQLScalarType s when s.getName().equals("Boolean") -> false;
            case GraphQLScalarType s when s.getName().equals("DateTime") -> "2099-01-01T00:00:00Z";
            default -> throw new IllegalStateException("no sample value for " + GraphQLTypeUtil.simplePrint(unwrapped) + " at " + path);
        };
    }
}
