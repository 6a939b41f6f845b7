#!/usr/bin/env bash
# Usage: list-servers.sh   -- the team's servers with their last known status
set -euo pipefail
. "$(dirname "$0")/berth.sh"
berth_graphql '{ servers { id name host port user status checkedAt consecutiveFailures } }'
