#!/usr/bin/env bash
# Usage: delete-private-key.sh KEY_ID   -- CONFLICT while a server uses it
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Delete($input: DeletePrivateKeyInput!) {
  deletePrivateKey(input: $input) { deletedPrivateKeyId }
}' "$(jq -n --arg id "$1" '{input: {id: $id}}')"
