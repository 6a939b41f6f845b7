#!/usr/bin/env bash
# Usage: delete-registry.sh REGISTRY_ID
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Delete($input: DeleteRegistryInput!) { deleteRegistry(input: $input) { deletedRegistryId } }' \
  "$(jq -n --arg id "$1" '{input: {id: $id}}')"
