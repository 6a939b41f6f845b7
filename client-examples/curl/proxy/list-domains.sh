#!/usr/bin/env bash
# Usage: list-domains.sh APPLICATION_ID
#   The application's domains and their certificates (issuer, validity, PENDING until the proxy obtained one).
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'query Domains($id: ID!) {
  application(id: $id) { id name domains { id host pathPrefix https certificate { issuer notBefore notAfter status } } }
}' "$(jq -n --arg id "$1" '{id: $id}')"
