#!/usr/bin/env bash
# Usage: create-application.sh ENVIRONMENT_ID SERVER_ID NAME IMAGE [CONTAINER_PORT]
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 4 "$@"
berth_graphql 'mutation Create($input: CreateApplicationInput!) {
  createApplication(input: $input) { application { id name status source { ... on ImageSource { image } } ports { containerPort } } }
}' "$(jq -n --arg env "$1" --arg server "$2" --arg name "$3" --arg image "$4" --arg port "${5:-}" \
  '{input: ({environmentId: $env, serverId: $server, name: $name, source: {image: {image: $image}}}
    + (if $port == "" then {} else {ports: [{containerPort: ($port | tonumber)}]} end))}')"
