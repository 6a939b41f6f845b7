#!/usr/bin/env bash
# Usage: get-database.sh DATABASE_ID   (status, URLs without the password)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'query Database($id: ID!) {
  database(id: $id) { id name engine image status statusDetail username databaseName internalUrl publicUrl publicPort cpuLimit memoryLimitMiB createdAt }
}' "$(jq -n --arg id "$1" '{id: $id}')"
