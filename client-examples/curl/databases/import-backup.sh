#!/usr/bin/env bash
# Usage: import-backup.sh DATABASE_ID DESTINATION_ID FILE [--verify]
#   Imports FILE (a dump made by the engine's tool: pg_dump -Fc for PostgreSQL, mariadb-dump for MariaDB) as a backup of
#   the database: importBackup announces its size and answers a one-time upload token, then the file is streamed to
#   Berth (curl -T), which streams it into the destination. Prints the upload's JSON answer (status, sizeBytes, sha256);
#   restore it with restore-backup.sh. The token reaches curl as config on fd 3, never argv.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 3 "$@"
size=$(wc -c < "$3" | tr -d ' ')
started=$(berth_graphql 'mutation Import($input: ImportBackupInput!) {
  importBackup(input: $input) { backup { id status } uploadPath uploadToken }
}' "$(jq -n --arg db "$1" --arg dest "$2" --argjson size "$size" --arg verify "${4:-}" \
  '{input: {databaseId: $db, destinationId: $dest, sizeBytes: $size, verify: ($verify == "--verify")}}')")
path=$(jq -r '.data.importBackup.uploadPath' <<<"$started")
config=$(jq -r '.data.importBackup.uploadToken | "header = \"X-Berth-Upload-Token: \(.)\""' <<<"$started")
answer=$(curl --config /dev/fd/3 --silent --show-error --upload-file "$3" "${BERTH_URL}${path}" 3<<<"$config")
printf '%s\n' "$answer"
jq -e '.status == "SUCCEEDED"' >/dev/null <<<"$answer"
