#!/usr/bin/env bash
# Usage: import-private-key.sh NAME PEM_FILE [SERVER|DEPLOY]  -- an unencrypted OpenSSH or PKCS#8 key; the key itself never reaches argv
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_args 2 "$@"
BERTH_PEM=$(cat "$2")
export BERTH_PEM
berth_graphql 'mutation Import($input: ImportPrivateKeyInput!) {
  importPrivateKey(input: $input) { privateKey { id name algorithm publicKey fingerprint purpose } }
}' "$(jq -n --arg name "$1" --arg purpose "${3:-SERVER}" '{input: {name: $name, pem: env.BERTH_PEM, purpose: $purpose}}')"
