#!/usr/bin/env bash
# Usage: list-deployments.sh APPLICATION_ID [FIRST]   -- newest first (FIRST 1 to 100, default 20)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'query Deployments($id: ID!, $first: Int!) {
  application(id: $id) { id name deployments(first: $first) { id number status reason commit createdAt startedAt finishedAt } }
}' "$(jq -n --arg id "$1" --arg first "${2:-20}" '{id: $id, first: ($first | tonumber)}')"
