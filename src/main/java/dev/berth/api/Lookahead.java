package dev.berth.api;

import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.schema.DataFetchingEnvironment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether the field being fetched selects a path of fields below it, read from the document itself (through inline
 * fragments and named fragments, whatever the aliases, arguments or directives): a fetcher may then read what the
 * path needs with its own statement (and prime the loader that would have read it). A hint to fetch more at once,
 * never a reason to fetch less: a field skipped by a directive is still counted as selected, which only costs the
 * read. Cheaper than graphql-java's normalized selection set, which a simple request would build only for this.
 */
public final class Lookahead {
    /** Fragments nested deeper than this are not looked into (validation refuses cycles; this bounds the walk). */
    private static final int MAX_DEPTH = 8;

    private Lookahead() {}

    public static boolean selects(DataFetchingEnvironment env, String... path) {
        return !fields(env, path).isEmpty();
    }

    /**
     * The fields at the end of {@code path} below the field being fetched, each once (however many fragments spread
     * it): one element when the query asks for the path once, more for aliases or differing selections.
     */
    public static List<Field> fields(DataFetchingEnvironment env, String... path) {
        var fragments = env.getFragmentsByName();
        List<SelectionSet> level = new ArrayList<>();
        for (var field : env.getMergedField().getFields()) {
            if (field.getSelectionSet() != null) level.add(field.getSelectionSet());
        }
        for (int step = 0; step < path.length; step++) {
            // each fragment looked into once per level, each field kept once: repeated spreads cost nothing more
            var visited = new HashSet<String>();
            var found = Collections.newSetFromMap(new IdentityHashMap<Field, Boolean>());
            for (var set : level) collect(set, path[step], fragments, visited, found, 0);
            if (found.isEmpty() || step == path.length - 1) return List.copyOf(found);
            level = new ArrayList<>();
            for (var field : found) {
                if (field.getSelectionSet() != null) level.add(field.getSelectionSet());
            }
        }
        return List.of();
    }

    private static void collect(SelectionSet set, String name, Map<String, FragmentDefinition> fragments, Set<String> visited,
                                Set<Field> found, int depth) {
        if (depth > MAX_DEPTH) return;
        for (Selection<?> selection : set.getSelections()) {
            switch (selection) {
                case Field field when field.getName().equals(name) -> found.add(field);
                case InlineFragment inline -> collect(inline.getSelectionSet(), name, fragments, visited, found, depth + 1);
                case FragmentSpread spread -> {
                    var fragment = fragments.get(spread.getName());
                    if (fragment != null && visited.add(spread.getName())) {
                        collect(fragment.getSelectionSet(), name, fragments, visited, found, depth + 1);
                    }
                }
                default -> { }
            }
        }
    }
}
