#!/usr/bin/env bash
# Usage: upsert-environment-variables.sh APPLICATION_ID NAME...   (each value is read from the variable NAME of this script's environment)
# Creates or replaces only the variables named; the application's others (and their secrets) stay as they are.
# Values never go through argv: export them, e.g.
#   LOG_LEVEL=debug upsert-environment-variables.sh "$APP" LOG_LEVEL
# A name that is not set keeps an existing secret's value (say, to make it a build-time variable or not); names
# listed in BERTH_SECRET_NAMES are sealed, BERTH_BUILD_NAMES also go to builds; flags not given stay as they were.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
app="$1"; shift
variables='[]'
for name in "$@"; do
  variables=$(BERTH_VALUE="${!name-}" jq --arg key "$name" --arg set "${!name+set}" \
    --arg secrets " ${BERTH_SECRET_NAMES:-} " --arg builds " ${BERTH_BUILD_NAMES:-} " \
    '. + [{key: $key}
          + (if $set == "set" then {value: env.BERTH_VALUE} else {} end)
          + (if ($secrets | contains(" " + $key + " ")) then {secret: true} else {} end)
          + (if ($builds | contains(" " + $key + " ")) then {buildTime: true} else {} end)]' <<<"$variables")
done
berth_graphql 'mutation Upsert($input: UpsertEnvironmentVariablesInput!) {
  upsertEnvironmentVariables(input: $input) { variables { key value secret buildTime } }
}' "$(jq -n --arg app "$app" --argjson variables "$variables" '{input: {scope: {applicationId: $app}, variables: $variables}}')"
