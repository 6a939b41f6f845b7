#!/usr/bin/env bash
# Usage: BERTH_PASSWORD=... login.sh EMAIL   (asks for the password when BERTH_PASSWORD is unset)
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_secret BERTH_PASSWORD "Password"
response=$(berth_graphql 'mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken accessTokenExpiresAt refreshToken user { id email } }
}' "$(jq -n --arg email "$1" '{input: {email: $email, password: env.BERTH_PASSWORD}}')")
printf '%s\n' "$response"
berth_export_token '.data.login.accessToken' "$response"
