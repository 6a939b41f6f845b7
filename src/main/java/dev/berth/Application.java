package dev.berth;

import io.micronaut.runtime.Micronaut;

/** Starts Berth. With no database or Redis URL configured, the embedded default starts its own servers. */
public final class Application {
    private Application() {}

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
