#!/usr/bin/env bash
# Usage: get-proxy.sh SERVER_ID
#   The server's proxy as Berth last saw it: INSTALLING, RUNNING or FAILED (with why), Caddy's version, and when Berth
#   last loaded its configuration.
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'query Proxy($id: ID!) {
  server(id: $id) { id name proxy { image httpPort httpsPort status statusDetail version configuredAt } }
}' "$(jq -n --arg id "$1" '{id: $id}')"
