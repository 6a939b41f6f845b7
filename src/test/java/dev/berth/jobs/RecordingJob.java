package dev.berth.jobs;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A job for tests: remembers which node ran which instance, and when. */
@Singleton
public final class RecordingJob implements Job {
    static final String NAME = "test-recording";

    record Ran(String node, long atNanos) {}

    final Map<String, Ran> ran = new ConcurrentHashMap<>();
    private final jakarta.inject.Provider<JobEngine> provider;

    RecordingJob(jakarta.inject.Provider<JobEngine> engine) {
        this.provider = engine;
    }

    @Override
    public Task<?> task() {
        return Tasks.oneTime(NAME, Void.class).execute((instance, context) ->
                ran.put(instance.getId(), new Ran(provider.get().node(), System.nanoTime())));
    }
}
