#!/usr/bin/env bash
# Usage: remove-domain-certificate.sh DOMAIN_ID
#   Drops the domain's uploaded certificate: the proxy obtains one by ACME again.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Remove($input: RemoveDomainCertificateInput!) {
  removeDomainCertificate(input: $input) { domain { id host certificate { uploaded status } } }
}' "$(jq -n --arg id "$1" '{input: {domainId: $id}}')"
