#!/usr/bin/env bash
# Usage: delete-project.sh PROJECT_ID   -- soft delete; its environments go with it
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Delete($input: DeleteProjectInput!) {
  deleteProject(input: $input) { deletedProjectId }
}' "$(jq -n --arg id "$1" '{input: {id: $id}}')"
