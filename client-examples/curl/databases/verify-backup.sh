#!/usr/bin/env bash
# Usage: verify-backup.sh BACKUP_ID   (restores it into a throwaway container and inspects it; follow with get-backup.sh)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Verify($input: VerifyBackupInput!) { verifyBackup(input: $input) { backup { id verifyStatus } } }' \
  "$(jq -n --arg id "$1" '{input: {backupId: $id}}')"
