#!/usr/bin/env bash
# Usage: upsert-environment-variables.sh APPLICATION_ID NAME...   (each value is read from the exported variable NAME)
# Creates or replaces only the variables named; the application's others (and their secrets) stay as they are.
# Values never go through argv: export them, e.g.
#   LOG_LEVEL=debug upsert-environment-variables.sh "$APP" LOG_LEVEL
# A name that is not exported keeps an existing secret's value. Names listed in BERTH_SECRET_NAMES are sealed (and not
# build arguments), names in BERTH_BUILD_NAMES are plain build arguments, names in BERTH_PLAIN_NAMES are plain values
# for the container only; a name in none of them keeps the flags it had (a new one is plain).
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
app="$1"; shift
variables='[]'
for name in "$@"; do
  # jq reads the value from the exported environment itself: never argv, never one of this script's own variables
  variables=$(jq --arg key "$name" --arg secrets " ${BERTH_SECRET_NAMES:-} " --arg builds " ${BERTH_BUILD_NAMES:-} " \
    --arg plains " ${BERTH_PLAIN_NAMES:-} " \
    '. + [{key: $key}
          + (if env | has($key) then {value: env[$key]} else {} end)
          + (if ($secrets | contains(" " + $key + " ")) then {secret: true, buildTime: false}
             elif ($builds | contains(" " + $key + " ")) then {secret: false, buildTime: true}
             elif ($plains | contains(" " + $key + " ")) then {secret: false, buildTime: false}
             else {} end)]' <<<"$variables")
done
# the variables (values included) reach jq on stdin and berth_graphql through its environment, never argv
input=$(jq --arg app "$app" '{input: {scope: {applicationId: $app}, variables: .}}' <<<"$variables")
berth_graphql 'mutation Upsert($input: UpsertEnvironmentVariablesInput!) {
  upsertEnvironmentVariables(input: $input) { variables { key value secret buildTime } }
}' "$input"
