#!/usr/bin/env bash
# Usage: restore-backup.sh BACKUP_ID DATABASE_NAME [TARGET_DATABASE_ID]
#   Replaces the data of the backup's own database, or of TARGET_DATABASE_ID (same engine): name the database restored
#   into to confirm. Follow it with get-backup.sh.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation Restore($input: RestoreBackupInput!) { restoreBackup(input: $input) { backup { id restoreStatus } } }' \
  "$(jq -n --arg id "$1" --arg name "$2" --arg target "${3:-}" \
    '{input: ({backupId: $id, confirmDatabaseName: $name} + (if $target == "" then {} else {targetDatabaseId: $target} end))}')"
