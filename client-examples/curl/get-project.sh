#!/usr/bin/env bash
# Usage: get-project.sh PROJECT_ID
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'query Get($id: ID!) {
  project(id: $id) { id name description metadata createdAt updatedAt environments { id name } }
}' "$(jq -n --arg id "$1" '{id: $id}')"
