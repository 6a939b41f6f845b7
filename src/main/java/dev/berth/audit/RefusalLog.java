package dev.berth.audit;

import dev.berth.api.Viewer;
import dev.berth.errors.ErrorCode;
import dev.berth.events.RedisKeys;
import dev.berth.ratelimit.RateLimiter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits refused mutations (a failed sign-in, a FORBIDDEN or NOT_FOUND) in a transaction of their own, since
 * the refused one rolled back. A row keeps who, what, the code and the address, never the input. At most
 * {@link #PER_MINUTE} rows a minute per client address are written, so a flood cannot fill the table; the rest
 * only count in {@code berth_audit_refusals_dropped_total}.
 */
@Singleton
public class RefusalLog {
    static final int PER_MINUTE = 30;
    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);

    private final AuditRows rows;
    private final TransactionOperations<Connection> transactions;
    private final RateLimiter limiter;
    private final MeterRegistry meters;

    RefusalLog(AuditRows rows, TransactionOperations<Connection> transactions, RateLimiter limiter, MeterRegistry meters) {
        this.rows = rows;
        this.transactions = transactions;
        this.limiter = limiter;
        this.meters = meters;
    }

    /** Records that {@code action} was refused with {@code code}; never throws. */
    public void record(Viewer viewer, String action, ErrorCode code, @Nullable UUID teamId) {
        try {
            var subject = Objects.requireNonNullElse(viewer.client().ip(), "unknown");
            if (!limiter.spend(RedisKeys.rateLimit("audit-refusals", subject), 1, PER_MINUTE, Duration.ofMinutes(1)).allowed()) {
                meters.counter("berth.audit.refusals.dropped").increment();
                return;
            }
            transactions.executeWrite(status -> {
                rows.write(viewer, teamId, viewer.userId(), action, null, null, Map.of(), code.name());
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("event=refusal-not-audited action={} code={} error={}", action, code, e.getClass().getSimpleName());
        }
    }
}
