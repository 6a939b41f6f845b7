#!/usr/bin/env bash
# Usage: BERTH_TOKEN=<access token> logout.sh   -- ends the session behind the token
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_graphql 'mutation { logout { clientMutationId } }'
