#!/usr/bin/env bash
# Usage: set-environment-variables.sh APPLICATION_ID NAME...   (each value is read from the variable NAME of this script's environment)
# Replaces the application's whole set. Values never go through argv: export them, e.g.
#   DATABASE_URL=postgres://... BERTH_SECRET_NAMES="DATABASE_URL" set-environment-variables.sh "$APP" DATABASE_URL LOG_LEVEL
# Names listed in BERTH_SECRET_NAMES are sealed and write-only; BERTH_BUILD_NAMES are also passed to builds.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
app="$1"; shift
variables='[]'
for name in "$@"; do
  [ -n "${!name+set}" ] || { echo "berth: \$$name is not set" >&2; exit 64; }
  variables=$(BERTH_VALUE="${!name}" jq --arg key "$name" --arg secrets " ${BERTH_SECRET_NAMES:-} " --arg builds " ${BERTH_BUILD_NAMES:-} " \
    '. + [{key: $key, value: env.BERTH_VALUE, secret: ($secrets | contains(" " + $key + " ")), buildTime: ($builds | contains(" " + $key + " "))}]' <<<"$variables")
done
berth_graphql 'mutation Set($input: SetEnvironmentVariablesInput!) {
  setEnvironmentVariables(input: $input) { variables { key value secret buildTime } }
}' "$(jq -n --arg app "$app" --argjson variables "$variables" '{input: {scope: {applicationId: $app}, variables: $variables}}')"
