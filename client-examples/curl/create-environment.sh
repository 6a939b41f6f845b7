#!/usr/bin/env bash
# Usage: create-environment.sh PROJECT_ID NAME
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation CreateEnvironment($input: CreateEnvironmentInput!) {
  createEnvironment(input: $input) { environment { id name project { name } } }
}' "$(jq -n --arg project "$1" --arg name "$2" '{input: {projectId: $project, name: $name}}')"
