#!/usr/bin/env bash
# Usage: update-project.sh PROJECT_ID NEW_NAME [NEW_DESCRIPTION]
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation Update($input: UpdateProjectInput!) {
  updateProject(input: $input) { project { id name description updatedAt } }
}' "$(jq -n --arg id "$1" --arg name "$2" --arg description "${3:-}" '{input: {id: $id, name: $name, description: $description}}')"
