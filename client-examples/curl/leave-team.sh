#!/usr/bin/env bash
# Usage: leave-team.sh TEAM_ID
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Leave($input: LeaveTeamInput!) { leaveTeam(input: $input) { teamId } }' \
  "$(jq -n --arg team "$1" '{input: {teamId: $team}}')"
