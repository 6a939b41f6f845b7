#!/usr/bin/env bash
# Usage: create-registry.sh HOST[:PORT] USERNAME   (the password is read from BERTH_REGISTRY_PASSWORD, never argv)
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
[ -n "${BERTH_REGISTRY_PASSWORD:-}" ] || { echo "berth: set BERTH_REGISTRY_PASSWORD" >&2; exit 64; }
berth_graphql 'mutation Registry($input: CreateRegistryInput!) { createRegistry(input: $input) { registry { id url username } } }' \
  "$(jq -n --arg url "$1" --arg username "$2" '{input: {url: $url, username: $username, password: env.BERTH_REGISTRY_PASSWORD}}')"
