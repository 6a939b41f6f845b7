#!/usr/bin/env bash
# Usage: link-database.sh APPLICATION_ID DATABASE_ID [KEY]
#   From the application's next deploy, the database's connection URL (password included) reaches its container as
#   KEY (DATABASE_URL by default), as a secret. The database must be in the application's environment. An owner or
#   admin with the admin scope (it hands the database's credentials to the application's code).
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation Link($input: LinkDatabaseInput!) {
  linkDatabase(input: $input) { databaseLink { key database { id name engine } createdAt } }
}' "$(jq -n --arg app "$1" --arg db "$2" --arg key "${3:-DATABASE_URL}" '{input: {applicationId: $app, databaseId: $db, key: $key}}')"
