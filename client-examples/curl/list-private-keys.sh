#!/usr/bin/env bash
# Usage: list-private-keys.sh   -- the team's keys (public halves and fingerprints only)
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_graphql '{ privateKeys { id name algorithm fingerprint createdAt } }'
