#!/usr/bin/env bash
# Usage: create-git-application.sh ENVIRONMENT_ID SERVER_ID NAME REPOSITORY [REF] [DEPLOY_KEY_ID] [CONTAINER_PORT]   -- built on the server from the repository's Dockerfile (REF default main)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 4 "$@"
berth_graphql 'mutation Create($input: CreateApplicationInput!) {
  createApplication(input: $input) { application { id name status source { ... on GitSource { repository ref dockerfile context } } ports { containerPort } } }
}' "$(jq -n --arg env "$1" --arg server "$2" --arg name "$3" --arg repository "$4" --arg ref "${5:-main}" --arg key "${6:-}" --arg port "${7:-}" \
  '{input: ({environmentId: $env, serverId: $server, name: $name,
      source: {git: ({repository: $repository, ref: $ref} + (if $key == "" then {} else {deployKeyId: $key} end))}}
    + (if $port == "" then {} else {ports: [{containerPort: ($port | tonumber)}]} end))}')"
