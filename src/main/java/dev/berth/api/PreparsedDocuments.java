package dev.berth.api;

import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import graphql.language.Document;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Hands graphql-java the document {@link GraphQLRunner} already parsed and validated, so neither is done twice. */
final class PreparsedDocuments implements PreparsedDocumentProvider {
    @Override
    public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
                                                                     Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
        Document document = input.getGraphQLContext().get(RequestContext.DOCUMENT);
        return CompletableFuture.completedFuture(document != null ? new PreparsedDocumentEntry(document) : parseAndValidate.apply(input));
    }
}
