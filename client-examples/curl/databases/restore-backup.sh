#!/usr/bin/env bash
# Usage: restore-backup.sh BACKUP_ID DATABASE_NAME   (replaces the database's data: name it to confirm; follow with get-backup.sh)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation Restore($input: RestoreBackupInput!) { restoreBackup(input: $input) { backup { id restoreStatus } } }' \
  "$(jq -n --arg id "$1" --arg name "$2" '{input: {backupId: $id, confirmDatabaseName: $name}}')"
