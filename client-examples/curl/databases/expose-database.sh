#!/usr/bin/env bash
# Usage: expose-database.sh DATABASE_ID HOST_PORT   (publishes it on that port of its server)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation Expose($input: ExposeDatabaseInput!) { exposeDatabase(input: $input) { database { id status publicPort publicUrl } } }' \
  "$(jq -n --arg id "$1" --arg port "$2" '{input: {id: $id, hostPort: ($port | tonumber)}}')"
