#!/usr/bin/env bash
# Usage: reveal-database-credentials.sh DATABASE_ID   (an owner or admin with the secrets:read scope; audited)
#   Prints the credentials in the clear: keep the output out of logs and shell history.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Reveal($input: DatabaseIdInput!) {
  revealDatabaseCredentials(input: $input) { credentials { username password databaseName internalUrlWithPassword } }
}' "$(jq -n --arg id "$1" '{input: {id: $id}}')"
