package dev.berth.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What must not outlive Berth even when it is halted without closing (a second stop signal while the first one's
 * orderly stop still runs): the embedded servers' processes. Each action is quick and safe to run twice.
 */
public final class LastResort {
    private static final List<Runnable> ACTIONS = new CopyOnWriteArrayList<>();

    private LastResort() {}

    public static void add(Runnable action) {
        ACTIONS.add(action);
    }

    public static void remove(Runnable action) {
        ACTIONS.remove(action);
    }

    /** Runs every action, whatever each one does. */
    public static void run() {
        for (var action : ACTIONS) {
            try {
                action.run();
            } catch (RuntimeException ignored) {
                // the next one still runs
            }
        }
    }
}
