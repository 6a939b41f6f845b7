package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.errors.ErrorCode;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Depth, alias and cost measures over a small schema, no server. */
class DocumentAnalysisTest {
    private static final GraphQLSchema SCHEMA = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse("""
            directive @listSize(assumedSize: Int!) on FIELD_DEFINITION
            type Query { items(first: Int = 5): ItemConnection! item: Item tags: [String!]! count: Int! }
            type ItemConnection { edges: [ItemEdge!]! }
            type ItemEdge { node: Item! }
            type Item { name: String! children: [Item!]! parent: Item labels: [Label!]! @listSize(assumedSize: 3) words: [String!]! }
            type Label { text: String! }
            """), RuntimeWiring.newRuntimeWiring().build());
    private static final QueryLimits LIMITS = new QueryLimits(4, 2, 100, 10, true);

    private static DocumentAnalysis.Measures measure(String query, Map<String, Object> variables) {
        return DocumentAnalysis.measure(SCHEMA, Parser.parse(query), null, variables, 10);
    }

    @Test
    void depthCountsNestedFieldsIncludingFragments() {
        var m = measure("{ item { ...F } } fragment F on Item { parent { parent { name } } }", Map.of());
        assertThat(m.depth()).isEqualTo(4);
    }

    @Test
    void aliasesAreCountedAcrossFragmentUses() {
        var m = measure("{ a: item { ...F } b: item { ...F } } fragment F on Item { n: name }", Map.of());
        assertThat(m.aliases()).isEqualTo(4);
    }

    @Test
    void costCountsTheObjectsFetchedByFirstAndByTheDefaultListSize() {
        // items 7 (a page of 7), edges 7, node 7, children 7 x 10; the names come with their objects
        var m = measure("query($n: Int) { items(first: $n) { edges { node { name children { name } } } } }", Map.of("n", 7));
        assertThat(m.cost()).isEqualTo(7 + 7 + 7 + 70);
    }

    @Test
    void scalarsAndListsOfScalarsCostNothingBelowTheRootAndARootScalarCostsOne() {
        assertThat(measure("{ item { name } }", Map.of()).cost()).isEqualTo(1);
        assertThat(measure("{ item { name words parent { name words } } }", Map.of()).cost()).isEqualTo(2);
        assertThat(measure("{ count tags }", Map.of()).cost()).isEqualTo(2);
    }

    @Test
    void anUnpaginatedListOfObjectsIsAsLongAsItsSchemaAssumes() {
        // item 1, labels 3 (declared) beside children 10 (the default list size)
        assertThat(measure("{ item { labels { text } } }", Map.of()).cost()).isEqualTo(1 + 3);
        assertThat(measure("{ item { children { labels { text } } } }", Map.of()).cost()).isEqualTo(1 + 10 + 30);
    }

    @Test
    void aFragmentSpreadUnderSeveralAliasesCostsForEachUse() {
        var once = measure("{ a: items(first: 10) { ...F } } fragment F on ItemConnection { edges { node { name } } }", Map.of());
        var twice = measure("{ a: items(first: 10) { ...F } b: items(first: 10) { ...F } }"
                + " fragment F on ItemConnection { edges { node { name } } }", Map.of());
        assertThat(twice.cost()).isEqualTo(2 * once.cost());
    }

    @Test
    void anOperationVariableDefaultIsUsed() {
        assertThat(measure("query($n: Int = 3) { items(first: $n) { edges { node { name } } } }", Map.of()).cost())
                .isEqualTo(3 + 3 + 3);
    }

    @Test
    void theSchemaDefaultOfFirstIsUsed() {
        assertThat(measure("{ items { edges { node { name } } } }", Map.of()).cost()).isEqualTo(5 + 5 + 5);
    }

    @Test
    void introspectionIsFlaggedButNotCosted() {
        var m = measure("{ __schema { types { name fields { name type { ofType { ofType { name } } } } } } }", Map.of());
        assertThat(m.introspection()).isTrue();
        assertThat(m.cost()).isZero();
        assertThat(measure("{ __typename }", Map.of()).introspection()).isFalse();
    }

    @Test
    void theFirstExceededLimitIsReportedWithItsCode() {
        assertThat(DocumentAnalysis.check(SCHEMA, Parser.parse("{ item { parent { parent { parent { parent { name } } } } } }"),
                null, Map.of(), LIMITS)).get().extracting(DocumentAnalysis.Violation::code).isEqualTo(ErrorCode.QUERY_TOO_DEEP);
        assertThat(DocumentAnalysis.check(SCHEMA, Parser.parse("{ a: tags b: tags c: tags }"), null, Map.of(), LIMITS))
                .get().extracting(DocumentAnalysis.Violation::code).isEqualTo(ErrorCode.TOO_MANY_ALIASES);
        assertThat(DocumentAnalysis.check(SCHEMA, Parser.parse("{ items(first: 50) { edges { node { name } } } }"), null, Map.of(), LIMITS))
                .get().extracting(DocumentAnalysis.Violation::code).isEqualTo(ErrorCode.QUERY_TOO_COSTLY);
        assertThat(DocumentAnalysis.check(SCHEMA, Parser.parse("{ item { name } }"), null, Map.of(), LIMITS)).isEmpty();
    }

    @Test
    void hugeFanOutSaturatesInsteadOfOverflowing() {
        var m = measure("{ items(first: 2000000000) { edges { node { children { children { children { name } } } } } } }", Map.of());
        assertThat(m.cost()).isPositive().isGreaterThan(1_000_000_000L);
    }
}
