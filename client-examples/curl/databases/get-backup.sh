#!/usr/bin/env bash
# Usage: get-backup.sh BACKUP_ID   (status, size, SHA-256, and the last restore's status)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'query Backup($id: ID!) {
  backup(id: $id) { id status objectKey sizeBytes sha256 detail restoreStatus restoreDetail verifyStatus verification verifiedAt createdAt finishedAt destination { name bucket } }
}' "$(jq -n --arg id "$1" '{id: $id}')"
