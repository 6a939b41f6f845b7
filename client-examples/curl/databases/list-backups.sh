#!/usr/bin/env bash
# Usage: list-backups.sh DATABASE_ID [FIRST]   (newest first)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'query Backups($id: ID!, $first: Int!) { database(id: $id) { name backups(first: $first) { id status sizeBytes sha256 createdAt } } }' \
  "$(jq -n --arg id "$1" --arg first "${2:-20}" '{id: $id, first: ($first | tonumber)}')"
