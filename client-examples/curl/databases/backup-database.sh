#!/usr/bin/env bash
# Usage: backup-database.sh DATABASE_ID DESTINATION_ID [--verify]   (queues a backup, verified once it succeeded
#   with --verify; follow it with get-backup.sh)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation Backup($input: BackupDatabaseInput!) { backupDatabase(input: $input) { backup { id status objectKey } } }' \
  "$(jq -n --arg db "$1" --arg dest "$2" --arg verify "${3:-}" '{input: {databaseId: $db, destinationId: $dest, verify: ($verify == "--verify")}}')"
