package dev.berth.application;

import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.berth.api.Viewer;
import dev.berth.jobs.Job;
import dev.berth.jobs.JobQueue;
import dev.berth.server.ServerCommands;
import dev.berth.storage.TeamTransactions;
import jakarta.inject.Singleton;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After deleteApplication: once no deployment of the application runs any more (each was told to stop), stops and
 * removes every container labelled {@code berth.app=<id>} on its server, then removes its rows. A server that cannot
 * be reached fails the job, which the engine retries later.
 */
@Singleton
final class ApplicationTeardown implements Job {
    static final String TASK = "application-teardown";
    private static final Logger LOG = LoggerFactory.getLogger(ApplicationTeardown.class);

    private final ApplicationRows rows;
    private final VariableRows variables;
    private final ServerCommands servers;
    private final TeamTransactions transactions;

    ApplicationTeardown(ApplicationRows rows, VariableRows variables, ServerCommands servers, TeamTransactions transactions) {
        this.rows = rows;
        this.variables = variables;
        this.servers = servers;
        this.transactions = transactions;
    }

    @Override
    public Task<?> task() {
        return Tasks.custom(TASK, Void.class).execute((instance, context) -> {
            var system = Viewer.system(JobQueue.team(instance.getId()), TASK);
            var applicationId = JobQueue.subject(instance.getId());
            if (transactions.read(system, () -> rows.deploymentRunning(system.teamId(), applicationId))) {
                // told to stop with the deletion: once it has, none of its containers can appear after this job's look
                return (complete, operations) -> operations.reschedule(complete, java.time.Instant.now().plusSeconds(2));
            }
            teardown(system, applicationId);
            return new com.github.kagkarlsson.scheduler.task.CompletionHandler.OnCompleteRemove<>();
        });
    }

    private void teardown(Viewer system, java.util.UUID applicationId) {
        var application = transactions.read(system, () -> rows.anyById(system.teamId(), applicationId));
        if (application.isEmpty()) return;
        var containers = servers.containers(system, application.get().serverId());
        for (var container : containers.list(Map.of(Labels.APP, applicationId.toString()))) {
            containers.stop(container.id(), application.get().settings().stopGrace());
            containers.remove(container.id());
        }
        // its images kept for rollbacks go with it (an image another application also uses keeps its other tags)
        int images = 0;
        for (var image : containers.images(Labels.imageRepository(applicationId))) {
            for (var tag : image.tags()) {
                containers.removeImage(tag);
                images++;
            }
        }
        transactions.write(system, () -> {
            variables.removeScope(system.teamId(), applicationId);
            rows.delete(system.teamId(), applicationId);
            return null;
        });
        LOG.info("event=application-removed application={} images={}", applicationId, images);
    }
}
