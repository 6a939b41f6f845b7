#!/usr/bin/env bash
# Usage: install-proxy.sh SERVER_ID [IMAGE] [HTTP_PORT] [HTTPS_PORT]
#   Installs the server's managed proxy (Caddy; caddy:2 unless IMAGE), serving plain HTTP on HTTP_PORT (80) and HTTPS on
#   HTTPS_PORT (443). A job creates its container and loads its configuration; the proxy's status follows (get-proxy.sh).
#   An owner or admin (it changes the server).
set -euo pipefail
. "$(dirname "$0")/../berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Install($input: InstallProxyInput!) {
  installProxy(input: $input) { server { id proxy { image httpPort httpsPort status } } }
}' "$(jq -n --arg server "$1" --arg image "${2:-}" --arg http "${3:-}" --arg https "${4:-}" '{input: ({serverId: $server}
  + (if $image == "" then {} else {image: $image} end)
  + (if $http == "" then {} else {httpPort: ($http | tonumber)} end)
  + (if $https == "" then {} else {httpsPort: ($https | tonumber)} end))}')"
