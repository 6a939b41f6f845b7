package dev.berth.deployment;

import java.time.Instant;

/** One stored line of a deployment's log; {@code stream} is STDOUT, STDERR or BERTH (Berth's own step messages). */
public record LogLine(long seq, Instant at, String stream, String text) {}
