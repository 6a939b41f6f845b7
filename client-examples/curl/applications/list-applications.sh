#!/usr/bin/env bash
# Usage: list-applications.sh ENVIRONMENT_ID [FIRST]   -- the environment's applications, oldest first, with their latest deployment
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'query Applications($id: ID!, $first: Int!) {
  environment(id: $id) {
    id name
    applications(first: $first) {
      edges { node { id name status server { id name } deployments(first: 1) { id number status createdAt } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}' "$(jq -n --arg id "$1" --arg first "${2:-20}" '{id: $id, first: ($first | tonumber)}')"
