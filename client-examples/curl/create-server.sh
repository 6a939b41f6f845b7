#!/usr/bin/env bash
# Usage: create-server.sh NAME HOST KEY_ID [PORT] [USER]   -- a server Berth reaches over SSH (defaults: 22, root)
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 3 "$@"
berth_graphql 'mutation Create($input: CreateServerInput!) {
  createServer(input: $input) { server { id name host port user status privateKey { id fingerprint } } }
}' "$(jq -n --arg name "$1" --arg host "$2" --arg key "$3" --arg port "${4:-22}" --arg user "${5:-root}" \
  '{input: {name: $name, host: $host, privateKeyId: $key, port: ($port | tonumber), user: $user}}')"
