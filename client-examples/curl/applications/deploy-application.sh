#!/usr/bin/env bash
# Usage: deploy-application.sh APPLICATION_ID   (answers at once with the queued deployment; follow it with ../../berth-logs.mjs)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Deploy($input: DeployApplicationInput!) {
  deployApplication(input: $input) { deployment { id number status queuePosition } }
}' "$(jq -n --arg id "$1" '{input: {applicationId: $id}}')"
