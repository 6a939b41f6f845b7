#!/usr/bin/env bash
# Usage: unlink-database.sh APPLICATION_ID [KEY]
#   The application no longer receives a database's URL as KEY (DATABASE_URL by default) from its next deploy.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Unlink($input: UnlinkDatabaseInput!) { unlinkDatabase(input: $input) { unlinkedKey } }' \
  "$(jq -n --arg app "$1" --arg key "${2:-DATABASE_URL}" '{input: {applicationId: $app, key: $key}}')"
