#!/usr/bin/env bash
# Usage: rollback-application.sh DEPLOYMENT_ID   (deploys that earlier successful deployment's image and environment again)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Rollback($input: RollbackApplicationInput!) { rollbackApplication(input: $input) { deployment { id number status } } }' \
  "$(jq -n --arg id "$1" '{input: {deploymentId: $id}}')"
