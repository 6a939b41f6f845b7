#!/usr/bin/env bash
# Usage: rename-environment.sh ENVIRONMENT_ID NEW_NAME
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation RenameEnvironment($input: RenameEnvironmentInput!) {
  renameEnvironment(input: $input) { environment { id name } }
}' "$(jq -n --arg id "$1" --arg name "$2" '{input: {id: $id, name: $name}}')"
