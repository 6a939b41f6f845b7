#!/usr/bin/env bash
# Usage: generate-private-key.sh NAME [SERVER|DEPLOY]  -- an Ed25519 key; SERVER keys log into servers (add the printed publicKey to the server's authorized_keys), DEPLOY keys clone git repositories (add it to the repository as a deploy key)
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 1 "$@"
berth_graphql 'mutation Generate($input: GeneratePrivateKeyInput!) {
  generatePrivateKey(input: $input) { privateKey { id name algorithm publicKey fingerprint purpose } }
}' "$(jq -n --arg name "$1" --arg purpose "${2:-SERVER}" '{input: {name: $name, purpose: $purpose}}')"
