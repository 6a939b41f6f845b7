#!/usr/bin/env bash
# Usage: backup-logs.sh BACKUP_ID [AFTER_SEQ]
#   The backup's log (its run, then each verification and restore), up to 1000 lines after AFTER_SEQ (0 by default).
#   Follow it live with the backupLogs subscription (client-examples/database-backup.mjs).
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'query Logs($id: ID!, $after: Int!) {
  backup(id: $id) { status verifyStatus restoreStatus logs(first: 1000, after: $after) { seq at stream text } }
}' "$(jq -n --arg id "$1" --argjson after "${2:-0}" '{id: $id, after: $after}')"
