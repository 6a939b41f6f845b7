#!/usr/bin/env bash
# Usage: create-backup-destination.sh NAME ENDPOINT REGION BUCKET [PATH_PREFIX] [--path-style]
#   The keys come from the environment, never argv: BERTH_S3_ACCESS_KEY and BERTH_S3_SECRET_KEY (sealed, write-only).
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 4 "$@"
: "${BERTH_S3_ACCESS_KEY:?set BERTH_S3_ACCESS_KEY}" "${BERTH_S3_SECRET_KEY:?set BERTH_S3_SECRET_KEY}"
berth_graphql 'mutation Create($input: CreateBackupDestinationInput!) {
  createBackupDestination(input: $input) { backupDestination { id name endpoint bucket pathPrefix pathStyle } }
}' "$(jq -n --arg name "$1" --arg endpoint "$2" --arg region "$3" --arg bucket "$4" --arg prefix "${5:-}" --arg style "${6:-}" \
  '{input: {name: $name, endpoint: $endpoint, region: $region, bucket: $bucket, pathPrefix: $prefix, pathStyle: ($style == "--path-style"),
    accessKey: $ENV.BERTH_S3_ACCESS_KEY, secretKey: $ENV.BERTH_S3_SECRET_KEY}}')"
