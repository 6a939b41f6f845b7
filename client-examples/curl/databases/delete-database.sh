#!/usr/bin/env bash
# Usage: delete-database.sh DATABASE_ID [--remove-volume]   (the data volume stays unless --remove-volume)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Delete($input: DeleteDatabaseInput!) { deleteDatabase(input: $input) { deletedDatabaseId } }' \
  "$(jq -n --arg id "$1" --arg remove "${2:-}" '{input: {id: $id, removeVolume: ($remove == "--remove-volume")}}')"
