#!/usr/bin/env bash
# Usage: trust-server-host-key.sh SERVER_ID FINGERPRINT   -- pins a host key you checked (SHA256:... from ssh-keygen -lf)
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 2 "$@"
berth_graphql 'mutation Trust($input: TrustServerHostKeyInput!) {
  trustServerHostKey(input: $input) { server { id hostKeyFingerprint } }
}' "$(jq -n --arg id "$1" --arg fp "$2" '{input: {id: $id, fingerprint: $fp}}')"
