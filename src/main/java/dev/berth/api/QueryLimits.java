package dev.berth.api;

/**
 * What a document may ask for. Cost counts the objects it may fetch (see {@link DocumentAnalysis}): a list of
 * objects without {@code first} is as long as its {@code @listSize} says, else {@code defaultListSize}.
 * Introspection subtrees count only towards aliases: they are bounded by the schema.
 */
public record QueryLimits(int maxDepth, int maxAliases, long maxCost, int defaultListSize, boolean introspection) {}
