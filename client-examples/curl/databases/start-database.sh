#!/usr/bin/env bash
# Usage: start-database.sh DATABASE_ID
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Start($input: DatabaseIdInput!) { startDatabase(input: $input) { database { id status publicPort publicUrl } } }' \
  "$(jq -n --arg id "$1" '{input: {id: $id}}')"
