#!/usr/bin/env bash
# Usage: stop-application.sh APPLICATION_ID
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Run($input: ApplicationIdInput!) { stopApplication(input: $input) { application { id status } } }' \
  "$(jq -n --arg id "$1" '{input: {id: $id}}')"
