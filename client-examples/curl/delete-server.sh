#!/usr/bin/env bash
# Usage: delete-server.sh SERVER_ID
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Delete($input: DeleteServerInput!) {
  deleteServer(input: $input) { deletedServerId }
}' "$(jq -n --arg id "$1" '{input: {id: $id}}')"
