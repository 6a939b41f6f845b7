#!/usr/bin/env bash
# Usage: audit-events.sh [SEARCH]   -- the current team's audit log, newest first (OWNER, ADMIN)
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_graphql 'query Audit($search: String) {
  auditEvents(search: $search, first: 20) { edges { node { occurredAt action actorId resourceType resourceId details ip } } }
}' "$(jq -n --arg search "${1:-}" '{search: (if $search == "" then null else $search end)}')"
