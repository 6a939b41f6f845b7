package dev.berth.jobs;

import dev.berth.events.ChannelEvent;
import dev.berth.events.RedisKeys;

/** Sent after a transaction that queued a job committed: every node checks for due work at once. No tenant data. */
public record JobQueued(String task) implements ChannelEvent {
    static final String CHANNEL = RedisKeys.wake("jobs");

    @Override
    public String channel() {
        return CHANNEL;
    }
}
