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
            schedule.getNextExecutionTime(ExecutionComplete.simulatedSuccess(Instant.now())); // parses it
            if (schedule.isDisabled()) throw new IllegalArgumentException("disabled");
            return schedule;
        } catch (RuntimeException e) {
            throw new InvalidInputException("input.cron", "not a cron expression: five fields (minute hour day month weekday), or six with seconds first");
        }
    }
}
