package dev.berth.secrets;

/** A secret value in memory. Its {@code toString} never shows the value, so it cannot leak into a log line. */
public record Secret(String value) {
    @Override
    public String toString() {
        return "***";
    }
}
