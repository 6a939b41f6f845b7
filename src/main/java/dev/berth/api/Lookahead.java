package dev.berth.api;

import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.schema.DataFetchingEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        var fragments = env.getFragmentsByName();
        List<SelectionSet> level = new ArrayList<>();
        for (var field : env.getMergedField().getFields()) {
            if (field.getSelectionSet() != null) level.add(field.getSelectionSet());
        }
        for (var name : path) {
            var found = new ArrayList<Field>();
            for (var set : level) collect(set, name, fragments, found, 0);
            if (found.isEmpty()) return false;
            level = new ArrayList<>();
            for (var field : found) {
                if (field.getSelectionSet() != null) level.add(field.getSelectionSet());
            }
        }
        return true;
    }

    private static void collect(SelectionSet set, String name, Map<String, FragmentDefinition> fragments, List<Field> found, int depth) {
        if (depth > MAX_DEPTH) return;
        for (Selection<?> selection : set.getSelections()) {
            switch (selection) {
                case Field field when field.getName().equals(name) -> found.add(field);
                case InlineFragment inline -> collect(inline.getSelectionSet(), name, fragments, found, depth + 1);
                case FragmentSpread spread -> {
                    var fragment = fragments.get(spread.getName());
                    if (fragment != null) collect(fragment.getSelectionSet(), name, fragments, found, depth + 1);
                }
                default -> { }
            }
        }
    }
}
