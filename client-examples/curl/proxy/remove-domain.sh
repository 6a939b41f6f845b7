#!/usr/bin/env bash
# Usage: remove-domain.sh DOMAIN_ID
#   Stops routing the domain; its name is free again.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Remove($input: RemoveDomainInput!) {
  removeDomain(input: $input) { removedDomainId }
}' "$(jq -n --arg id "$1" '{input: {id: $id}}')"
