#!/usr/bin/env bash
# Usage: update-server.sh SERVER_ID HOST [PORT]   -- moves a server; its pooled SSH connection is closed
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation Update($input: UpdateServerInput!) {
  updateServer(input: $input) { server { id host port } }
}' "$(jq -n --arg id "$1" --arg host "$2" --arg port "${3:-22}" '{input: {id: $id, host: $host, port: ($port | tonumber)}}')"
