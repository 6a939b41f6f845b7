#!/usr/bin/env bash
# Usage: get-deployment.sh DEPLOYMENT_ID [AFTER_SEQ]   (status, changes and up to 1000 log lines after AFTER_SEQ)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'query Deployment($id: ID!, $after: Int) {
  deployment(id: $id) { id number status reason image configurationDiff { path before after } logs(first: 1000, after: $after) { seq stream text } }
}' "$(jq -n --arg id "$1" --arg after "${2:-0}" '{id: $id, after: ($after | tonumber)}')"
