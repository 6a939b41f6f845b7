package dev.berth.api;

import dev.berth.errors.ErrorCode;
import graphql.analysis.QueryTraverser;
import graphql.analysis.QueryVisitorFieldEnvironment;
import graphql.analysis.QueryVisitorStub;
import graphql.language.Document;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNamedType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;
import java.util.Map;
import java.util.Optional;

/** Pure: measures an already validated document against {@link QueryLimits}. */
final class DocumentAnalysis {

    /** A limit the document exceeds. */
    record Violation(ErrorCode code, String message) {}

    /** What the document asks for. */
    record Measures(int depth, int aliases, long cost, boolean introspection) {}

    private DocumentAnalysis() {}

    static Optional<Violation> check(GraphQLSchema schema, Document document, String operationName,
                                     Map<String, Object> variables, QueryLimits limits) {
        var m = measure(schema, document, operationName, variables, limits.defaultListSize());
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
        var visitor = new Measuring(defaultListSize);
        QueryTraverser.newQueryTraverser()
                .schema(schema)
                .document(document)
                .operationName(operationName)
                .variables(variables)
                .build()
                .visitPreOrder(visitor);
        return new Measures(visitor.maxDepth, visitor.aliases, visitor.cost, visitor.introspection);
    }

    private static final class Measuring extends QueryVisitorStub {
        private final int defaultListSize;
        int maxDepth;
        int aliases;
        long cost;
        boolean introspection;

        Measuring(int defaultListSize) {
            this.defaultListSize = defaultListSize;
        }

        @Override
        public void visitField(QueryVisitorFieldEnvironment env) {
            if (env.getField().getAlias() != null) aliases++;
            if (env.isTypeNameIntrospectionField()) return;
            if (isIntrospection(env)) {
                introspection = true;
                return;
            }
            int depth = 1;
            long multiplier = 1;
            for (var parent = env.getParentEnvironment(); parent != null; parent = parent.getParentEnvironment()) {
                depth++;
                multiplier = saturatingMultiply(multiplier, fanOut(parent));
            }
            maxDepth = Math.max(maxDepth, depth);
            cost = saturatingAdd(cost, multiplier);
        }

        private boolean isIntrospection(QueryVisitorFieldEnvironment env) {
            for (var e = env; e != null; e = e.getParentEnvironment()) {
                if (e.getField().getName().startsWith("__")) return true;
            }
            return false;
        }

        private long fanOut(QueryVisitorFieldEnvironment env) {
            if (env.getArguments().get("first") instanceof Number first) return Math.max(0, first.longValue());
            var type = GraphQLTypeUtil.unwrapNonNull(env.getFieldDefinition().getType());
            if (!(type instanceof GraphQLList)) return 1;
            boolean connectionEdges = env.getParentType() instanceof GraphQLNamedType parent
                    && parent.getName().endsWith("Connection");
            return connectionEdges ? 1 : defaultListSize;
        }

        private static long saturatingMultiply(long a, long b) {
            long r = a * b;
            return (b != 0 && r / b != a) || r < 0 ? Long.MAX_VALUE : r;
        }

        private static long saturatingAdd(long a, long b) {
            long r = a + b;
            return r < 0 ? Long.MAX_VALUE : r;
        }
    }
}
