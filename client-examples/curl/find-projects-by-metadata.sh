#!/usr/bin/env bash
# Usage: find-projects-by-metadata.sh KEY VALUE   -- projects whose metadata contains {KEY: VALUE}
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 2 "$@"
berth_graphql 'query Find($filter: JSON) {
  projects(first: 100, metadataContains: $filter) { edges { node { id name metadata } } }
}' "$(jq -n --arg key "$1" --arg value "$2" '{filter: {($key): $value}}')"
