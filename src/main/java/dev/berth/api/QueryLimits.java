package dev.berth.api;

/**
 * What a document may ask for. Cost: every field costs the product of the fan-out of its ancestors; a field's
 * fan-out is its {@code first} argument, else {@code defaultListSize} for a list, else 1 (a connection's
 * {@code edges} are already counted by the connection's {@code first}). Introspection subtrees count only
 * towards aliases: they are bounded by the schema.
 */
public record QueryLimits(int maxDepth, int maxAliases, long maxCost, int defaultListSize, boolean introspection) {}
