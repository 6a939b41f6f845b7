#!/usr/bin/env bash
# Usage: delete-backup-destination.sh DESTINATION_ID   (what is stored there stays)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Delete($input: BackupDestinationIdInput!) { deleteBackupDestination(input: $input) { deletedBackupDestinationId } }' \
  "$(jq -n --arg id "$1" '{input: {id: $id}}')"
