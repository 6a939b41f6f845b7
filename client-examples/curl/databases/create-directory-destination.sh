#!/usr/bin/env bash
# Usage: create-directory-destination.sh NAME SERVER_ID DIRECTORY
#   Backups go to DIRECTORY (absolute) on the server, written over its SSH connection as its SSH user, which must be
#   able to write there. A backup is the file DIRECTORY/berth/<database id>/<time>-<backup id>.<ext>.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 3 "$@"
berth_graphql 'mutation Create($input: CreateBackupDestinationInput!) {
  createBackupDestination(input: $input) { backupDestination { id name kind directory server { id name } } }
}' "$(jq -n --arg name "$1" --arg server "$2" --arg directory "$3" '{input: {name: $name, serverId: $server, directory: $directory}}')"
