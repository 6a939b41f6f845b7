#!/usr/bin/env bash
# Usage: list-projects.sh [FIRST] [AFTER_CURSOR]
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_graphql 'query List($first: Int, $after: String) {
  projects(first: $first, after: $after) {
    edges { cursor node { id name environments { name } } }
    pageInfo { hasNextPage endCursor }
  }
}' "$(jq -n --argjson first "${1:-20}" --arg after "${2:-}" '{first: $first, after: (if $after == "" then null else $after end)}')"
