#!/usr/bin/env bash
# Usage: set-environment-variables.sh APPLICATION_ID NAME...   (each value is read from the exported variable NAME)
# Replaces the application's whole set. Values never go through argv: export them, e.g.
#   DATABASE_URL=postgres://... BERTH_SECRET_NAMES="DATABASE_URL" set-environment-variables.sh "$APP" DATABASE_URL LOG_LEVEL
# Names listed in BERTH_SECRET_NAMES are sealed and write-only; BERTH_BUILD_NAMES are also passed to builds.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
app="$1"; shift
variables='[]'
for name in "$@"; do
  # jq reads the value from the exported environment itself: never argv, never one of this script's own variables
  jq -e --arg key "$name" 'env | has($key)' >/dev/null <<<'null' || { echo "berth: \$$name is not exported" >&2; exit 64; }
  variables=$(jq --arg key "$name" --arg secrets " ${BERTH_SECRET_NAMES:-} " --arg builds " ${BERTH_BUILD_NAMES:-} " \
    '. + [{key: $key, value: env[$key], secret: ($secrets | contains(" " + $key + " ")), buildTime: ($builds | contains(" " + $key + " "))}]' <<<"$variables")
done
# the variables (values included) reach jq on stdin and berth_graphql through its environment, never argv
input=$(jq --arg app "$app" '{input: {scope: {applicationId: $app}, variables: .}}' <<<"$variables")
berth_graphql 'mutation Set($input: SetEnvironmentVariablesInput!) {
  setEnvironmentVariables(input: $input) { variables { key value secret buildTime } }
}' "$input"
