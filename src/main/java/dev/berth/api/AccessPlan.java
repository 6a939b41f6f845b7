package dev.berth.api;

import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.SelectionSet;
import graphql.schema.GraphQLCompositeType;
import graphql.schema.GraphQLInterfaceType;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;
import graphql.schema.GraphQLUnionType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The access rules a query document can meet, decided once per document (and cached with it): the rule of every
 * field it selects, for every object type a selection can land on. A caller who passes each of them passes every
 * field's check, so the query can run without a check per field ({@link FieldGuard#planned}); a caller who fails
 * one runs the guarded schema, where each field says for itself what it refuses. Mutations and subscriptions
 * always run guarded: their plan is null.
 */
record AccessPlan(Set<Access> rules) {

    /** Whether the viewer passes every rule of the plan. */
    boolean admits(Viewer viewer) {
        for (var rule : rules) {
            try {
                AccessPolicy.check(rule, viewer);
            } catch (RuntimeException refused) {
                return false;
            }
        }
        return true;
    }

    /** The plan of a valid document's queries; null when it holds any other operation or a field without a rule. */
    static AccessPlan of(GraphQLSchema schema, AccessPolicy policy, Document document) {
        var fragments = new HashMap<String, FragmentDefinition>();
        document.getDefinitionsOfType(FragmentDefinition.class).forEach(f -> fragments.put(f.getName(), f));
        var rules = new HashSet<Access>();
        for (var operation : document.getDefinitionsOfType(OperationDefinition.class)) {
            if (operation.getOperation() != OperationDefinition.Operation.QUERY) return null;
            if (!collect(schema, policy, fragments, operation.getSelectionSet(), schema.getQueryType(), rules, new HashSet<>())) return null;
        }
        return new AccessPlan(Set.copyOf(rules));
    }

    private static boolean collect(GraphQLSchema schema, AccessPolicy policy, Map<String, FragmentDefinition> fragments, SelectionSet selections,
                                   GraphQLCompositeType parent, Set<Access> rules, Set<String> spread) {
        if (selections == null) return true;
        for (var selection : selections.getSelections()) {
            switch (selection) {
                case Field field -> {
                    if (field.getName().startsWith("__")) continue; // introspection: graphql-java's own, never guarded
                    for (var object : objectsOf(schema, parent)) {
                        var definition = object.getFieldDefinition(field.getName());
                        if (definition == null) continue; // selected through an interface this object type lacks: not reached
                        var rule = policy.rule(schema, object.getName(), field.getName());
                        if (rule.isEmpty()) return false;
                        rules.add(rule.get());
                        if (field.getSelectionSet() != null
                                && GraphQLTypeUtil.unwrapAll(definition.getType()) instanceof GraphQLCompositeType child
                                && !collect(schema, policy, fragments, field.getSelectionSet(), child, rules, spread)) {
                            return false;
                        }
                    }
                }
                case InlineFragment inline -> {
                    var type = inline.getTypeCondition() == null ? parent : (GraphQLCompositeType) schema.getType(inline.getTypeCondition().getName());
                    if (!collect(schema, policy, fragments, inline.getSelectionSet(), type, rules, spread)) return false;
                }
                case FragmentSpread fragmentSpread -> {
                    var fragment = fragments.get(fragmentSpread.getName());
                    if (fragment == null) return false;
                    if (!spread.add(fragment.getName() + "@" + parent.getName())) continue; // already walked on this type
                    var type = (GraphQLCompositeType) schema.getType(fragment.getTypeCondition().getName());
                    if (!collect(schema, policy, fragments, fragment.getSelectionSet(), narrower(schema, parent, type), rules, spread)) return false;
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /** A fragment on {@code type} spread where {@code parent} stands: it lands on their common object types. */
    private static GraphQLCompositeType narrower(GraphQLSchema schema, GraphQLCompositeType parent, GraphQLCompositeType type) {
        return objectsOf(schema, type).size() <= objectsOf(schema, parent).size() ? type : parent;
    }

    /** The object types a selection on {@code type} can land on. */
    static List<GraphQLObjectType> objectsOf(GraphQLSchema schema, GraphQLCompositeType type) {
        return switch (type) {
            case GraphQLObjectType object -> List.of(object);
            case GraphQLInterfaceType face -> schema.getImplementations(face);
            case GraphQLUnionType union -> union.getTypes().stream().map(t -> (GraphQLObjectType) t).toList();
            default -> List.of();
        };
    }
}
