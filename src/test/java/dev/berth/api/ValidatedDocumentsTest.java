package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import graphql.parser.InvalidSyntaxException;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import org.junit.jupiter.api.Test;

/** Parse and validation run once per document text; results are reused, invalid ones too, and the cache is bounded. */
class ValidatedDocumentsTest {
    private final ValidatedDocuments documents = new ValidatedDocuments(new SchemaGenerator().makeExecutableSchema(
            new SchemaParser().parse("type Query { hello: String }"), RuntimeWiring.newRuntimeWiring().build()),
            new AccessPolicy(java.util.List.of(() -> java.util.Map.of("Query.hello", Access.ANYONE))));

    @Test
    void theSameTextIsParsedAndValidatedOnce() {
        var first = documents.check("{ hello }");
        assertThat(documents.check("{ hello }")).isSameAs(first);
        assertThat(first.errors()).isEmpty();
        var invalid = documents.check("{ nope }");
        assertThat(invalid.errors()).isNotEmpty();
        assertThat(documents.check("{ nope }")).isSameAs(invalid);
        assertThatThrownBy(() -> documents.check("{")).isInstanceOf(InvalidSyntaxException.class);
    }

    @Test
    void theCacheIsBounded() {
        var first = documents.check("{ hello }");
        for (int i = 0; i < ValidatedDocuments.CAPACITY + 10; i++) documents.check("{ hello } # " + i);
        assertThat(documents.check("{ hello }")).as("evicted, then parsed again").isNotSameAs(first);
    }
}
