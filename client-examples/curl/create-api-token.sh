#!/usr/bin/env bash
# Usage: BERTH_TOKEN=<session access token> create-api-token.sh NAME SCOPE [SCOPE...]
#   SCOPE: read, write, deploy, secrets:read, admin. Prints the berth_pat_ secret once: store it, then use it
#   as BERTH_TOKEN in CI.
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 2 "$@"
name="$1"; shift
berth_graphql 'mutation CreateToken($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id name scopes expiresAt } } }' \
  "$(jq -n --arg name "$name" '{input: {name: $name, scopes: $ARGS.positional}}' --args "$@")"
