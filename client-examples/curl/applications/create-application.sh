#!/usr/bin/env bash
# Usage: create-application.sh ENVIRONMENT_ID SERVER_ID NAME IMAGE [CONTAINER_PORT] [HOST_PORT]   -- HOST_PORT publishes the port on the server (on the host network it must equal CONTAINER_PORT)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 4 "$@"
berth_graphql 'mutation Create($input: CreateApplicationInput!) {
  createApplication(input: $input) { application { id name status source { ... on ImageSource { image } } ports { containerPort hostPort } } }
}' "$(jq -n --arg env "$1" --arg server "$2" --arg name "$3" --arg image "$4" --arg port "${5:-}" --arg host "${6:-}" \
  '{input: ({environmentId: $env, serverId: $server, name: $name, source: {image: {image: $image}}}
    + (if $port == "" then {} else {ports: [{containerPort: ($port | tonumber)} + (if $host == "" then {} else {hostPort: ($host | tonumber)} end)]} end))}')"
