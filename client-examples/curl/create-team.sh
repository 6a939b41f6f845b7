#!/usr/bin/env bash
# Usage: create-team.sh NAME
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation CreateTeam($input: CreateTeamInput!) { createTeam(input: $input) { team { id name slug } } }' \
  "$(jq -n --arg name "$1" '{input: {name: $name}}')"
