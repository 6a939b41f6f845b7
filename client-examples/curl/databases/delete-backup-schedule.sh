#!/usr/bin/env bash
# Usage: delete-backup-schedule.sh SCHEDULE_ID   (its backups stay)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Delete($input: DeleteBackupScheduleInput!) { deleteBackupSchedule(input: $input) { deletedBackupScheduleId } }' \
  "$(jq -n --arg id "$1" '{input: {id: $id}}')"
