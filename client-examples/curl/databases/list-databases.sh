#!/usr/bin/env bash
# Usage: list-databases.sh ENVIRONMENT_ID
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'query Databases($id: ID!) { environment(id: $id) { databases { id name engine status internalUrl } } }' \
  "$(jq -n --arg id "$1" '{id: $id}')"
