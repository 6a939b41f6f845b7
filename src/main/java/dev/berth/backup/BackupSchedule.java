package dev.berth.backup;

import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.CronStyle;
import dev.berth.errors.InvalidInputException;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

/** Recurring backups of a database to a destination, with what is kept of them. */
public record BackupSchedule(UUID id, UUID teamId, UUID databaseId, UUID destinationId, String cron, String timeZone,
                             @Nullable Integer retainCount, @Nullable Integer retainDays, boolean verify, Instant createdAt) {

    /** When it runs next after {@code now}. */
    Instant nextAfter(Instant now) {
        return cronSchedule(cron, timeZone).getNextExecutionTime(ExecutionComplete.simulatedSuccess(now));
    }

    /**
     * A cron expression as users write it: five fields (minute hour day month weekday), or six with seconds first.
     *
     * @throws InvalidInputException naming {@code input.cron} or {@code input.timeZone}
     */
    static CronSchedule cronSchedule(String cron, String timeZone) {
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone);
        } catch (RuntimeException e) {
            throw new InvalidInputException("input.timeZone", "an IANA time zone, e.g. Europe/Berlin or UTC");
        }
        var fields = cron.trim().split("\\s+");
        if (cron.length() > 100 || (fields.length != 5 && fields.length != 6)) {
            throw new InvalidInputException("input.cron", "five fields (minute hour day month weekday), or six with seconds first");
        }
        try {
            var schedule = new CronSchedule(cron.trim(), zone, fields.length == 5 ? CronStyle.UNIX : CronStyle.SPRING53);
            var first = schedule.getNextExecutionTime(ExecutionComplete.simulatedSuccess(Instant.now()));
            if (schedule.isDisabled()) throw new IllegalArgumentException("disabled");
            if (first.isAfter(Instant.now().plus(java.time.Duration.ofDays(366)))) {
                throw new InvalidInputException("input.cron", "it never runs within a year");
            }
            return schedule;
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidInputException("input.cron", "not a cron expression: five fields (minute hour day month weekday), or six with seconds first");
        }
    }

    /**
     * @throws InvalidInputException when two of its next firings are closer than {@code minimum} (a backup every second
     *                               would flood the job engine and the bucket)
     */
    static void atMostEvery(CronSchedule schedule, java.time.Duration minimum) {
        var at = Instant.now();
        for (int i = 0; i < 48; i++) {
            var next = schedule.getNextExecutionTime(ExecutionComplete.simulatedSuccess(at));
            if (i > 0 && java.time.Duration.between(at, next).compareTo(minimum) < 0) {
                throw new InvalidInputException("input.cron", "it runs more often than every " + minimum.toSeconds() + " s (BERTH_BACKUPS_MIN_INTERVAL)");
            }
            at = next;
        }
    }
}
