package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.testing.BerthTestBase;
import graphql.parser.Parser;
import graphql.schema.GraphQLCompositeType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A query whose plan admits the caller runs without a check per field, so the plan must hold the rule of every field a
 * document can reach. For every field of every object type a query can reach (found from the schema, not from the
 * plan's code), a document selecting it along a path from the root, written plainly, through an inline fragment and
 * through a named fragment: the plan holds the rule the access tables give that field, and those of its path.
 */
@MicronautTest
class AccessPlanTest extends BerthTestBase {
    @Inject
    GraphQLSchema schema;

    @Inject
    AccessPolicy policy;

    /** A step of a path: the object type and the field selected on it. */
    private record Step(GraphQLObjectType type, GraphQLFieldDefinition field) {}

    @Test
    void thePlanOfEveryReachableFieldHoldsItsRuleAndItsPathsRules() {
        var paths = pathsFromTheQueryRoot();
        assertThat(paths).as("object types a query reaches").hasSizeGreaterThan(20);
        int fields = 0;
        for (var entry : paths.entrySet()) {
            var type = entry.getKey();
            for (var field : type.getFieldDefinitions()) {
                var path = new ArrayList<>(entry.getValue());
                path.add(new Step(type, field));
                var expected = path.stream().map(step -> policy.rule(schema, step.type().getName(), step.field().getName()).orElseThrow()).toList();
                for (var form : List.of(Form.PLAIN, Form.INLINE, Form.NAMED)) {
                    var document = document(path, form);
                    var plan = AccessPlan.of(schema, policy, Parser.parse(document));
                    assertThat(plan).as(document).isNotNull();
                    assertThat(plan.rules()).as(document).containsAll(expected);
                }
                fields++;
            }
        }
        assertThat(fields).isGreaterThan(100);
    }

    @Test
    void aMutationOrSubscriptionHasNoPlanAndAlwaysRunsGuarded() {
        assertThat(AccessPlan.of(schema, policy, Parser.parse("mutation { logout { ok } }"))).isNull();
        assertThat(AccessPlan.of(schema, policy, Parser.parse("query { me { user { id } } } mutation M { logout { ok } }"))).isNull();
    }

    @Test
    void aViewerFailingOneRuleOfThePlanIsNotAdmitted() {
        var plan = new AccessPlan(java.util.Set.of(Access.READ, Access.MANAGE_TEAM));
        var member = new Viewer(java.util.UUID.randomUUID(), java.util.UUID.randomUUID(), Role.MEMBER, Role.MEMBER.allowedScopes(),
                null, java.util.UUID.randomUUID(), null, false, null);
        var admin = new Viewer(java.util.UUID.randomUUID(), java.util.UUID.randomUUID(), Role.ADMIN, Role.ADMIN.allowedScopes(),
                null, java.util.UUID.randomUUID(), null, false, null);
        assertThat(plan.admits(member)).isFalse();
        assertThat(plan.admits(admin)).isTrue();
        assertThat(plan.admits(Viewer.anonymous(null))).isFalse();
    }

    private enum Form { PLAIN, INLINE, NAMED }

    /** The field selections of a path, innermost last, with dummy arguments where required. */
    private String document(List<Step> path, Form form) {
        var inner = new StringBuilder();
        var fragment = "";
        for (int i = path.size() - 1; i >= 0; i--) {
            var step = path.get(i);
            var selection = step.field().getName() + arguments(step.field());
            var leafish = !(GraphQLTypeUtil.unwrapAll(step.field().getType()) instanceof GraphQLCompositeType);
            String body = i == path.size() - 1 ? (leafish ? selection : selection + " { __typename }") : selection + " { " + inner + " }";
            if (i == path.size() - 1 && form == Form.INLINE) body = "... on " + step.type().getName() + " { " + body + " }";
            if (i == path.size() - 1 && form == Form.NAMED) {
                fragment = " fragment F on " + step.type().getName() + " { " + body + " }";
                body = "...F";
            }
            if (i > 0 && !(GraphQLTypeUtil.unwrapAll(path.get(i - 1).field().getType()) instanceof GraphQLObjectType)) {
                body = "... on " + step.type().getName() + " { " + body + " }"; // below an interface or a union
            }
            inner = new StringBuilder(body);
        }
        return "query { " + inner + " }" + fragment;
    }

    private static String arguments(GraphQLFieldDefinition field) {
        var required = field.getArguments().stream().filter(a -> GraphQLTypeUtil.isNonNull(a.getType())).toList();
        if (required.isEmpty()) return "";
        var parts = new ArrayList<String>();
        for (var argument : required) parts.add(argument.getName() + ": " + value(GraphQLTypeUtil.unwrapNonNull(argument.getType())));
        return "(" + String.join(", ", parts) + ")";
    }

    private static String value(graphql.schema.GraphQLType type) {
        return switch (type) {
            case graphql.schema.GraphQLList list -> "[]";
            case graphql.schema.GraphQLEnumType e -> e.getValues().getFirst().getName();
            case graphql.schema.GraphQLInputObjectType input -> "{" + String.join(", ", input.getFieldDefinitions().stream()
                    .filter(f -> GraphQLTypeUtil.isNonNull(f.getType()))
                    .map(f -> f.getName() + ": " + value(GraphQLTypeUtil.unwrapNonNull(f.getType()))).toList()) + "}";
            case graphql.schema.GraphQLScalarType scalar -> switch (scalar.getName()) {
                case "Int", "Float" -> "1";
                case "Boolean" -> "true";
                default -> "\"x\"";
            };
            default -> "null";
        };
    }

    /** The shortest path of field selections from Query to each object type a query reaches. */
    private Map<GraphQLObjectType, List<Step>> pathsFromTheQueryRoot() {
        var paths = new HashMap<GraphQLObjectType, List<Step>>();
        paths.put(schema.getQueryType(), List.of());
        var queue = new ArrayDeque<GraphQLObjectType>(List.of(schema.getQueryType()));
        while (!queue.isEmpty()) {
            var type = queue.poll();
            for (var field : type.getFieldDefinitions()) {
                if (!(GraphQLTypeUtil.unwrapAll(field.getType()) instanceof GraphQLCompositeType target)) continue;
                for (var object : AccessPlan.objectsOf(schema, target)) {
                    if (paths.containsKey(object)) continue;
                    var path = new ArrayList<>(paths.get(type));
                    path.add(new Step(type, field));
                    // an interface or union reached: the object type is selected through an inline fragment below
                    paths.put(object, path);
                    queue.add(object);
                }
            }
        }
        return paths;
    }
}
