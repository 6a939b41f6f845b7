package dev.berth.proxy;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.berth.api.Viewer;
import dev.berth.execution.Containers;
import dev.berth.execution.Reasons;
import dev.berth.jobs.Job;
import dev.berth.jobs.JobQueue;
import dev.berth.storage.TeamTransactions;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job per server with a proxy, on the job engine, run again every {@code berth.proxy.reconcile-interval} and at
 * once after each change of its domains: makes the container what the row says, waits for its admin socket, and loads
 * the configuration the rows describe when Caddy runs anything else (after a restart that lost it, a change by hand,
 * a domain added). Berth is the source of truth; what it saw is the proxy's status.
 */
@Singleton
final class ProxyJob implements Job {
    static final String TASK = "proxy-sync";
    private static final Logger LOG = LoggerFactory.getLogger(ProxyJob.class);

    private final ProxyRows rows;
    private final ProxyRuntime runtime;
    private final TeamTransactions transactions;
    private final ProxyProperties properties;

    private final Certificates certificates;

    ProxyJob(ProxyRows rows, ProxyRuntime runtime, TeamTransactions transactions, ProxyProperties properties, Certificates certificates) {
        this.certificates = certificates;
        this.rows = rows;
        this.runtime = runtime;
        this.transactions = transactions;
        this.properties = properties;
    }

    @Override
    public Task<?> task() {
        return Tasks.custom(TASK, Void.class).execute((instance, context) -> {
            var system = Viewer.system(JobQueue.team(instance.getId()), TASK);
            boolean again;
            try {
                again = pass(system, JobQueue.subject(instance.getId()));
            } catch (Containers.Stopped stopped) {
                return (complete, operations) -> operations.reschedule(complete, Instant.now()); // this node stops: another goes on
            }
            if (!again) return new CompletionHandler.OnCompleteRemove<>();
            return (complete, operations) -> operations.reschedule(complete, Instant.now().plus(properties.reconcileInterval()));
        });
    }

    /** One look at the server's proxy; false when it has none any more (the job ends). */
    boolean pass(Viewer system, UUID serverId) {
        var proxy = transactions.read(system, () -> rows.proxy(system.teamId(), serverId)).orElse(null);
        if (proxy == null) return false;
        try {
            var container = runtime.ensure(system, proxy);
            runtime.awaitAdmin(system, proxy, container);
            boolean loaded = runtime.configure(system, serverId, true);
            try {
                certificates.refresh(system, serverId, container);
            } catch (RuntimeException e) {
                LOG.debug("event=certificates-unread server={} reason={}", serverId, Reasons.plain(e));
            }
            var version = proxy.version() == null || proxy.status() != Proxy.Status.RUNNING ? runtime.version(system, serverId, container) : null;
            if (loaded) LOG.info("event=proxy-configured server={} reason={}", serverId, proxy.configuredAt() == null ? "installed" : "drifted or changed");
            record(system, serverId, Proxy.Status.RUNNING, null, version, loaded);
        } catch (Containers.Stopped stopped) {
            throw stopped;
        } catch (RuntimeException e) {
            var reason = Reasons.plain(e);
            LOG.warn("event=proxy-failed server={} reason={}", serverId, reason);
            record(system, serverId, Proxy.Status.FAILED, reason, null, false);
        }
        return true;
    }

    private void record(Viewer system, UUID serverId, Proxy.Status status, String detail, String version, boolean configured) {
        transactions.write(system, () -> {
            rows.observed(system.teamId(), serverId, status, detail, version, configured);
            return null;
        });
    }
}
