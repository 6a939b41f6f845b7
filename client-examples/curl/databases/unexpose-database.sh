#!/usr/bin/env bash
# Usage: unexpose-database.sh DATABASE_ID
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Unexpose($input: DatabaseIdInput!) { unexposeDatabase(input: $input) { database { id status publicPort publicUrl } } }' \
  "$(jq -n --arg id "$1" '{input: {id: $id}}')"
