#!/usr/bin/env bash
# Usage: delete-environment.sh ENVIRONMENT_ID
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation DeleteEnvironment($input: DeleteEnvironmentInput!) {
  deleteEnvironment(input: $input) { deletedEnvironmentId }
}' "$(jq -n --arg id "$1" '{input: {id: $id}}')"
