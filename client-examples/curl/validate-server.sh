#!/usr/bin/env bash
# Usage: validate-server.sh SERVER_ID   -- prints the validationId; follow its steps with the serverValidation subscription
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Validate($input: ValidateServerInput!) {
  validateServer(input: $input) { validationId }
}' "$(jq -n --arg id "$1" '{input: {id: $id}}')"
