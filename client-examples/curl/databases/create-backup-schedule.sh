#!/usr/bin/env bash
# Usage: create-backup-schedule.sh DATABASE_ID DESTINATION_ID CRON [TIME_ZONE] [KEEP_COUNT] [KEEP_DAYS] [--verify]
#   CRON: five fields ('0 3 * * *': 03:00 every day), or six with seconds first; TIME_ZONE defaults to UTC.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 3 "$@"
berth_graphql 'mutation Schedule($input: CreateBackupScheduleInput!) {
  createBackupSchedule(input: $input) { backupSchedule { id cron timeZone retention { count maxAgeDays } verify nextRunAt } }
}' "$(jq -n --arg db "$1" --arg dest "$2" --arg cron "$3" --arg zone "${4:-UTC}" --arg count "${5:-}" --arg days "${6:-}" --arg verify "${7:-}" \
  '{input: {databaseId: $db, destinationId: $dest, cron: $cron, timeZone: $zone, verify: ($verify == "--verify"),
    retention: ({} + (if $count == "" then {} else {count: ($count | tonumber)} end) + (if $days == "" then {} else {maxAgeDays: ($days | tonumber)} end))}}')"
