#!/usr/bin/env bash
# Usage: delete-application.sh APPLICATION_ID   (its containers are removed by a job, found by their berth.app label)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Delete($input: DeleteApplicationInput!) { deleteApplication(input: $input) { deletedApplicationId } }' \
  "$(jq -n --arg id "$1" '{input: {id: $id}}')"
