#!/usr/bin/env bash
# Usage: create-project.sh NAME [DESCRIPTION]   (metadata is set to {"owner": "ops"} as an example)
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Create($input: CreateProjectInput!) {
  createProject(input: $input) { project { id name description metadata environments { id name } } }
}' "$(jq -n --arg name "$1" --arg description "${2:-}" '{input: {name: $name, description: $description, metadata: {owner: "ops"}}}')"
