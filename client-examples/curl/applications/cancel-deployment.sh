#!/usr/bin/env bash
# Usage: cancel-deployment.sh DEPLOYMENT_ID   (a queued one ends at once; a running one stops its remote work)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Cancel($input: CancelDeploymentInput!) { cancelDeployment(input: $input) { deployment { id status cancelRequested } } }' \
  "$(jq -n --arg id "$1" '{input: {id: $id}}')"
