#!/usr/bin/env bash
# Usage: create-database.sh ENVIRONMENT_ID SERVER_ID NAME ENGINE [IMAGE] [PUBLIC_PORT]
#   ENGINE: POSTGRESQL MYSQL MARIADB MONGODB REDIS KEYDB DRAGONFLY CLICKHOUSE; IMAGE defaults to the engine's
#   official one; PUBLIC_PORT publishes it on the server. A password of your own comes from BERTH_DATABASE_PASSWORD
#   (read from the environment, never argv); without it Berth generates one.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 4 "$@"
# the password goes to jq through its environment ($ENV), never its argv
berth_graphql 'mutation Create($input: CreateDatabaseInput!) {
  createDatabase(input: $input) { database { id name engine image status username databaseName internalUrl publicUrl } }
}' "$(jq -n --arg env "$1" --arg server "$2" --arg name "$3" --arg engine "$4" --arg image "${5:-}" --arg port "${6:-}" \
  '{input: ({environmentId: $env, serverId: $server, name: $name, engine: $engine}
    + (if $image == "" then {} else {image: $image} end)
    + (if $port == "" then {} else {publicPort: ($port | tonumber)} end)
    + (if ($ENV.BERTH_DATABASE_PASSWORD // "") == "" then {} else {password: $ENV.BERTH_DATABASE_PASSWORD} end))}')"
