#!/usr/bin/env bash
# Usage: BERTH_PASSWORD=... sign-up.sh EMAIL NAME   (asks for the password when BERTH_PASSWORD is unset)
# Prints the new session's tokens, and on stderr the `export BERTH_TOKEN=...` line for the other examples.
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 2 "$@"
berth_secret BERTH_PASSWORD "Password (12+ characters)"
response=$(berth_graphql 'mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { accessToken accessTokenExpiresAt refreshToken user { id email name } }
}' "$(jq -n --arg email "$1" --arg name "$2" '{input: {email: $email, name: $name, password: env.BERTH_PASSWORD}}')")
printf '%s\n' "$response"
berth_export_token '.data.signUp.accessToken' "$response"
