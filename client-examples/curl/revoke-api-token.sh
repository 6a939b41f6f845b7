#!/usr/bin/env bash
# Usage: revoke-api-token.sh TOKEN_ID
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Revoke($input: RevokeApiTokenInput!) { revokeApiToken(input: $input) { apiToken { id revokedAt } } }' \
  "$(jq -n --arg id "$1" '{input: {id: $id}}')"
