#!/usr/bin/env bash
# Usage: plan-deployment.sh APPLICATION_ID   (what a deployment would do and change now; changes nothing)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'query Plan($id: ID!) { planDeployment(applicationId: $id) { steps configurationDiff { path before after } } }' \
  "$(jq -n --arg id "$1" '{id: $id}')"
