#!/usr/bin/env bash
# Usage: generate-private-key.sh NAME   -- an Ed25519 key; add the printed publicKey to the server's authorized_keys
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Generate($input: GeneratePrivateKeyInput!) {
  generatePrivateKey(input: $input) { privateKey { id name algorithm publicKey fingerprint } }
}' "$(jq -n --arg name "$1" '{input: {name: $name}}')"
