package dev.berth.api;

import graphql.ParseAndValidate;
import graphql.language.Document;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.validation.ValidationError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parsed and validated documents by their text, so a client sending the same operation again (the common case:
 * apps send a fixed set of documents) pays neither step twice. Bounded (least recently used out); only documents
 * that parse are kept, and their validation outcome with them. Parse errors are thrown as by {@link Parser}.
 */
final class ValidatedDocuments {
    static final int CAPACITY = 1024;

    /** A document, what validating it against the schema found (empty when valid), and its access plan (null: none). */
    record Checked(Document document, List<ValidationError> errors, @io.micronaut.core.annotation.Nullable AccessPlan plan) {}

    private final GraphQLSchema schema;
    private final AccessPolicy policy;
    private final Map<String, Checked> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Checked> eldest) {
            return size() > CAPACITY;
        }
    };

    ValidatedDocuments(GraphQLSchema schema, AccessPolicy policy) {
        this.schema = schema;
        this.policy = policy;
    }

    Checked check(String query) {
        synchronized (cache) {
            var known = cache.get(query);
            if (known != null) return known;
        }
        var document = Parser.parse(query);
        var errors = List.copyOf(ParseAndValidate.validate(schema, document, Locale.ENGLISH));
        var checked = new Checked(document, errors, errors.isEmpty() ? AccessPlan.of(schema, policy, document) : null);
        synchronized (cache) {
            cache.put(query, checked);
        }
        return checked;
    }
}
