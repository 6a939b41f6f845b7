#!/usr/bin/env bash
# Usage: create-server.sh NAME HOST KEY_ID [PORT] [USER] [DOCKER_SOCKET] [BRIDGE|HOST]   -- a server Berth reaches over SSH (defaults: 22, root, /var/run/docker.sock, BERTH_DEPLOYMENTS_NETWORK's mode)
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 3 "$@"
berth_graphql 'mutation Create($input: CreateServerInput!) {
  createServer(input: $input) { server { id name host port user dockerSocket networkMode status privateKey { id fingerprint } } }
}' "$(jq -n --arg name "$1" --arg host "$2" --arg key "$3" --arg port "${4:-22}" --arg user "${5:-root}" \
  --arg socket "${6:-}" --arg mode "${7:-}" \
  '{input: ({name: $name, host: $host, privateKeyId: $key, port: ($port | tonumber), user: $user}
    + (if $socket == "" then {} else {dockerSocket: $socket} end)
    + (if $mode == "" then {} else {networkMode: $mode} end))}')"
