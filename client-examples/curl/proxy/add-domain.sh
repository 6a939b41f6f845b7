#!/usr/bin/env bash
# Usage: add-domain.sh APPLICATION_ID HOST [PATH_PREFIX] [--http]
#   Routes HOST (a name you point at the server in DNS) to the application through its server's proxy, over HTTPS with a
#   certificate the proxy obtains by ACME (--http: plain HTTP only). On the host network the application listens on
#   $PORT, from its next deployment. A name routed already anywhere in this Berth is CONFLICT.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 2 "$@"
prefix=""
https=true
for arg in "${@:3}"; do
  if [ "$arg" = "--http" ]; then https=false; else prefix=$arg; fi
done
berth_graphql 'mutation Add($input: AddDomainInput!) {
  addDomain(input: $input) { domain { id host pathPrefix https redirectWww createdAt } }
}' "$(jq -n --arg app "$1" --arg host "$2" --arg prefix "$prefix" --argjson https "$https" '{input: ({applicationId: $app, host: $host, https: $https}
  + (if $prefix == "" then {} else {pathPrefix: $prefix} end))}')"
