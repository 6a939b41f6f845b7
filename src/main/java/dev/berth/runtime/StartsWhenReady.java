package dev.berth.runtime;

/**
 * A bean that starts once the node is ready and is built then, not on the way to ready ({@link ReadyStarts}): a
 * service whose graph is large (repositories, Micronaut Data's runtime) costs the first {@code /health} nothing.
 */
public interface StartsWhenReady {
    /** Starts its work: called once, on a virtual thread of its own, soon after the node first answered UP. */
    void startWhenReady();
}
