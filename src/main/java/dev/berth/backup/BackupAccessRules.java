package dev.berth.backup;

import static dev.berth.api.Access.DEPLOY;
import static dev.berth.api.Access.MANAGE_TEAM;
import static dev.berth.api.Access.READ;

import dev.berth.api.Access;
import dev.berth.api.AccessRules;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Who may resolve the fields of {@code schema/backup.graphqls}: destinations (credentials to a bucket) are an admin's;
 * backing up and restoring are running the team's resources.
 */
@Singleton
final class BackupAccessRules implements AccessRules {
    @Override
    public Map<String, Access> rules() {
        return Map.ofEntries(
                Map.entry("Query.backupDestinations", READ),
                Map.entry("Query.backup", READ),
                Map.entry("Database.backups", READ),
                Map.entry("Mutation.createBackupDestination", MANAGE_TEAM),
                Map.entry("Mutation.deleteBackupDestination", MANAGE_TEAM),
                Map.entry("Mutation.testBackupDestination", MANAGE_TEAM),
                Map.entry("Mutation.backupDatabase", DEPLOY),
                Map.entry("Mutation.restoreBackup", DEPLOY),
                Map.entry("Mutation.importBackup", DEPLOY),
                Map.entry("ImportBackupPayload.*", READ),
                Map.entry("Mutation.verifyBackup", DEPLOY),
                Map.entry("Mutation.createBackupSchedule", DEPLOY),
                Map.entry("Mutation.deleteBackupSchedule", DEPLOY),
                Map.entry("Database.backupSchedules", READ),
                Map.entry("BackupSchedule.*", READ),
                Map.entry("BackupRetention.*", READ),
                Map.entry("BackupSchedulePayload.*", READ),
                Map.entry("DeleteBackupSchedulePayload.*", READ),
                Map.entry("BackupDestination.*", READ),
                Map.entry("Backup.*", READ),
                Map.entry("BackupDestinationPayload.*", READ),
                Map.entry("DeleteBackupDestinationPayload.*", READ),
                Map.entry("TestBackupDestinationPayload.*", READ),
                Map.entry("BackupPayload.*", READ),
                Map.entry("BackupLogLine.*", READ),
                Map.entry("Subscription.backupLogs", READ));
    }
}
