#!/usr/bin/env bash
# Usage: delete-environment-variables.sh APPLICATION_ID KEY...
# Removes only the keys named (a key the application does not have is no error); prints the keys removed.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
app="$1"; shift
berth_graphql 'mutation Delete($input: DeleteEnvironmentVariablesInput!) {
  deleteEnvironmentVariables(input: $input) { deletedKeys variables { key secret } }
}' "$(jq -n --arg app "$app" '{input: {scope: {applicationId: $app}, keys: $ARGS.positional}}' --args "$@")"
