package dev.berth.execution;

/** How a command ended. Output is bounded by the shell that ran it. */
public record ExecResult(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
        return exitCode == 0;
    }
}
