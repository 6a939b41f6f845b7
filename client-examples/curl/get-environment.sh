#!/usr/bin/env bash
# Usage: get-environment.sh ENVIRONMENT_ID
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'query GetEnvironment($id: ID!) {
  environment(id: $id) { id name createdAt project { id name } }
}' "$(jq -n --arg id "$1" '{id: $id}')"
