#!/usr/bin/env bash
# Usage: get-server.sh SERVER_ID
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'query Get($id: ID!) {
  server(id: $id) { id name host port user dockerSocket status facts checkedAt hostKeyFingerprint privateKey { id name } }
}' "$(jq -n --arg id "$1" '{id: $id}')"
