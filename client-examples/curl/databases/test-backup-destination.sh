#!/usr/bin/env bash
# Usage: test-backup-destination.sh DESTINATION_ID   (writes, reads back and deletes a small object; says which step failed)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Test($input: BackupDestinationIdInput!) { testBackupDestination(input: $input) { ok failedStep reason } }' \
  "$(jq -n --arg id "$1" '{input: {id: $id}}')"
