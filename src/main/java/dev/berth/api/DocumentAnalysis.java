package dev.berth.api;

import dev.berth.errors.ErrorCode;
import graphql.introspection.Introspection;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.NodeUtil;
import graphql.language.OperationDefinition;
import graphql.language.SelectionSet;
import graphql.language.VariableReference;
import graphql.schema.GraphQLCompositeType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNamedType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pure: measures a validated document against {@link QueryLimits} by walking it as it would execute. Every
 * use of a fragment counts again, so fragments spread under many aliases cannot hide cost.
 *
 * <p>Cost counts the objects a document may fetch: a field of an object type costs how many times it may produce
 * one (the product of its ancestors' fan-out, times its own); a scalar comes with its object and costs nothing
 * (a root field always costs at least 1). A field's fan-out is its {@code first}, else for a list of objects the
 * {@code @listSize(assumedSize:)} its schema declares, else the default list size; a connection's {@code edges}
 * are counted by the connection's {@code first}.
 */
final class DocumentAnalysis {

    /** A limit the document exceeds. */
    record Violation(ErrorCode code, String message) {}

    /** What the document asks for. */
    record Measures(int depth, int aliases, long cost, boolean introspection) {}

    private DocumentAnalysis() {}

    static Optional<Violation> check(GraphQLSchema schema, Document document, String operationName,
                                     Map<String, Object> variables, QueryLimits limits) {
        return check(measure(schema, document, operationName, variables, limits.defaultListSize()), limits);
    }

    static Optional<Violation> check(Measures m, QueryLimits limits) {
        if (m.introspection() && !limits.introspection()) {
            return Optional.of(new Violation(ErrorCode.INTROSPECTION_DISABLED, "Introspection is disabled on this server."));
        }
        if (m.depth() > limits.maxDepth()) {
            return Optional.of(new Violation(ErrorCode.QUERY_TOO_DEEP,
                    "Query depth " + m.depth() + " exceeds the maximum of " + limits.maxDepth() + "."));
        }
        if (m.aliases() > limits.maxAliases()) {
            return Optional.of(new Violation(ErrorCode.TOO_MANY_ALIASES,
                    "Query uses " + m.aliases() + " aliases; the maximum is " + limits.maxAliases() + "."));
        }
        if (m.cost() > limits.maxCost()) {
            return Optional.of(new Violation(ErrorCode.QUERY_TOO_COSTLY,
                    "Query cost " + m.cost() + " exceeds the maximum of " + limits.maxCost() + "."));
        }
        return Optional.empty();
    }

    static Measures measure(GraphQLSchema schema, Document document, String operationName,
                            Map<String, Object> variables, int defaultListSize) {
        var found = NodeUtil.getOperation(document, operationName);
        var walk = new Walk(schema, found.fragmentsByName, effectiveVariables(found.operationDefinition, variables), defaultListSize);
        var root = switch (found.operationDefinition.getOperation()) {
            case QUERY -> schema.getQueryType();
            case MUTATION -> schema.getMutationType();
            case SUBSCRIPTION -> schema.getSubscriptionType();
        };
        walk.selections(found.operationDefinition.getSelectionSet(), root, 1, 1, false);
        return new Measures(walk.maxDepth, walk.aliases, walk.cost, walk.introspection);
    }

    /** Provided variables, plus the operation's declared defaults for the ones not provided. */
    private static Map<String, Object> effectiveVariables(OperationDefinition operation, Map<String, Object> provided) {
        var all = new HashMap<>(provided);
        for (var definition : operation.getVariableDefinitions()) {
            if (!all.containsKey(definition.getName()) && definition.getDefaultValue() instanceof IntValue i) {
                all.put(definition.getName(), i.getValue());
            }
        }
        return all;
    }

    /** The directive by which the schema says how long an unpaginated list of objects is assumed to be. */
    static final String LIST_SIZE = "listSize";

    private static final class Walk {
        private final GraphQLSchema schema;
        private final Map<String, FragmentDefinition> fragments;
        private final Map<String, Object> variables;
        private final int defaultListSize;
        int maxDepth;
        int aliases;
        long cost;
        boolean introspection;

        Walk(GraphQLSchema schema, Map<String, FragmentDefinition> fragments, Map<String, Object> variables, int defaultListSize) {
            this.schema = schema;
            this.fragments = fragments;
            this.variables = variables;
            this.defaultListSize = defaultListSize;
        }

        /** @param multiplier how many times each field of this selection set may execute */
        void selections(SelectionSet set, GraphQLType parent, int depth, long multiplier, boolean inIntrospection) {
            if (set == null) return;
            for (var selection : set.getSelections()) {
                switch (selection) {
                    case Field field -> field(field, parent, depth, multiplier, inIntrospection);
                    case InlineFragment inline -> selections(inline.getSelectionSet(),
                            inline.getTypeCondition() == null ? parent : schema.getType(inline.getTypeCondition().getName()),
                            depth, multiplier, inIntrospection);
                    case FragmentSpread spread -> {
                        var fragment = fragments.get(spread.getName());
                        if (fragment != null) {
                            selections(fragment.getSelectionSet(), schema.getType(fragment.getTypeCondition().getName()),
                                    depth, multiplier, inIntrospection);
                        }
                    }
                    default -> { }
                }
            }
        }

        private void field(Field field, GraphQLType parent, int depth, long multiplier, boolean inIntrospection) {
            if (field.getAlias() != null) aliases++;
            if (field.getName().equals(Introspection.TypeNameMetaFieldDef.getName())) return;
            var definition = definition(parent, field.getName());
            if (definition == null) return;
            boolean introspective = inIntrospection || field.getName().startsWith("__");
            if (introspective) introspection = true;
            long childMultiplier = introspective ? 1 : saturatingMultiply(multiplier, fanOut(field, definition, parent));
            if (!introspective) {
                maxDepth = Math.max(maxDepth, depth);
                boolean object = GraphQLTypeUtil.unwrapAll(definition.getType()) instanceof GraphQLCompositeType;
                cost = saturatingAdd(cost, object ? childMultiplier : depth == 1 ? 1 : 0);
            }
            selections(field.getSelectionSet(), GraphQLTypeUtil.unwrapAll(definition.getType()), depth + 1, childMultiplier, introspective);
        }

        private GraphQLFieldDefinition definition(GraphQLType parent, String name) {
            if (name.equals(Introspection.SchemaMetaFieldDef.getName())) return Introspection.SchemaMetaFieldDef;
            if (name.equals(Introspection.TypeMetaFieldDef.getName())) return Introspection.TypeMetaFieldDef;
            return parent instanceof GraphQLFieldsContainer container ? container.getFieldDefinition(name) : null;
        }

        /** How many results the field may produce: its {@code first}, else a list's default size, else 1. */
        private long fanOut(Field field, GraphQLFieldDefinition definition, GraphQLType parent) {
            var first = field.getArguments().stream().filter(a -> a.getName().equals("first")).findFirst()
                    .map(a -> number(a.getValue()))
                    .orElseGet(() -> definition.getArgument("first") == null ? null
                            : number(definition.getArgument("first").getArgumentDefaultValue().getValue()));
            if (first != null) return Math.max(0, first);
            if (!(GraphQLTypeUtil.unwrapNonNull(definition.getType()) instanceof GraphQLList)) return 1;
            // A connection's edges are already counted by the connection's `first`.
            boolean connectionEdges = parent instanceof GraphQLNamedType named && named.getName().endsWith("Connection");
            if (connectionEdges) return 1;
            var declared = definition.getAppliedDirective(LIST_SIZE);
            if (declared != null && declared.getArgument("assumedSize").getValue() instanceof Number n) return n.longValue();
            return defaultListSize;
        }

        private Long number(Object value) {
            if (value instanceof IntValue i) return i.getValue().longValue();
            if (value instanceof VariableReference ref && variables.get(ref.getName()) instanceof Number n) return n.longValue();
            if (value instanceof Number n) return n.longValue();
            return null;
        }

        private static long saturatingMultiply(long a, long b) {
            if (a == 0 || b == 0) return 0;
            return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
        }

        private static long saturatingAdd(long a, long b) {
            long r = a + b;
            return r < 0 ? Long.MAX_VALUE : r;
        }
    }
}
